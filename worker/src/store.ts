import {
  canonicalJson,
  emptySnapshot,
  isSnapshot,
  sha256Hex,
  utf8ByteLength,
  type DeletedRecord,
  type PushPatch,
  type Snapshot,
  type VersionRecord,
} from '../../sdk/contract/index.js';
import { changesSince, recordChange, type ChangeFiles, type ChangesSince, type CommittedChange } from './change-log.js';
import { patchInPlace } from './patch-in-place.js';
import { HttpError, unavailableError } from './http-error.js';
import { assertStorable } from './stored-size.js';
import { tombstoneJson, tombstoneMetadata, tombstoneOf, versionOfKey } from './tombstone.js';
import {
  commitMetadata,
  KEPT_BEFORE_MAX,
  keptBeforeFromMetadata,
  parseRecordMetadata,
  recordFromMetadata,
  recordMetadata,
} from './record-metadata.js';

/**
 * How many versions are kept: the current one and the {@link KEPT_BEFORE_MAX} before it, whose
 * records current.json's metadata carries and whose data history/ holds.
 */
export const HISTORY_KEEP = KEPT_BEFORE_MAX + 1;

/** The R2 calls the store makes; an `R2Bucket` fits, and tests wrap one with delays or faults. */
export interface SyncBucket {
  head(key: string): Promise<R2Object | null>;
  get(key: string): Promise<R2ObjectBody | null>;
  put(key: string, value: string, options?: R2PutOptions): Promise<R2Object | null>;
  delete(keys: string | string[]): Promise<void>;
  list(options?: R2ListOptions): Promise<R2Objects>;
}

/** Whose data, for which app. Both are validated before they reach here. */
export interface SyncLocation {
  userId: string;
  app: string;
}

/**
 * A push that passed validation: the full data as canonical JSON whose checksum matched, or a patch
 * against the data of `version` whose result must have `checksum` (DESIGN §8).
 */
export type PushCommand = PushIdentity & ({ canonical: string } | { patch: PushPatch; maxStoredBytes: number });

/** What every push carries besides its data. */
export interface PushIdentity {
  /** The server version the client last synced (0 if never). */
  version: number;
  /** Checksum of the data the push stores. */
  checksum: string;
  /** When present, the checksum the current version must have for the push to commit (compare-and-swap on data, not only the number). */
  baseChecksum?: string;
  deviceId: string;
  /** The device's human name, kept in the version record when the push carries one. */
  deviceName?: string;
}

/** One stored version: its record and its data as canonical JSON text. */
export interface StoredVersion {
  record: VersionRecord;
  dataText: string;
}

/** The current version and every kept version's record. */
export interface CurrentState {
  record: VersionRecord;
  /** The kept versions' records, ascending, the current one last: the versions a client may fetch. */
  versions: VersionRecord[];
}

/** What current.json holds when the data was deleted (DESIGN §10). */
export interface DeletedState {
  deleted: DeletedRecord;
}

/** What a DELETE did: whether anything was stored, and the tombstone now at the head (null when nothing was ever stored). */
export interface DeleteOutcome {
  found: boolean;
  tombstone: DeletedRecord | null;
}

/** R2 keys of one user's app: `sync/{userId}/{app}/...` (DESIGN §5). */
function storageKeys({ userId, app }: SyncLocation) {
  const base = `sync/${userId}/${app}/`;
  return {
    base,
    current: `${base}current.json`,
    meta: `${base}meta.json`,
    historyPrefix: `${base}history/`,
    history: (version: number): string => `${base}history/${version}.json`,
    /** What version `version` changed (DESIGN §9, change-log.ts); kept and deleted with its history file. */
    change: (version: number): string => `${base}history/${version}.patch.json`,
  };
}

type StorageKeys = ReturnType<typeof storageKeys>;

/** R2's limit on keys per `delete` call. */
const DELETE_BATCH_KEYS = 1000;
/**
 * How many times a DELETE lists and deletes before giving up with a 503: each round after the
 * first only finds what pushes racing it wrote meanwhile.
 */
const DELETE_ROUNDS_MAX = 10;
const DATA_MARKER = ',"data":';
const JSON_CONTENT = { contentType: 'application/json; charset=utf-8' };

/** The body of current.json: `{"meta":<record>,"data":<canonical JSON>}`. */
function currentJson(record: VersionRecord, canonical: string): string {
  return `{"meta":${JSON.stringify(record)}${DATA_MARKER}${canonical}}`;
}

/**
 * The data text inside a current.json body, as stored (no re-serialisation). The first
 * `,"data":` is the right one: the record before it holds no such unescaped text.
 */
function dataTextOf(currentText: string): string {
  const at = currentText.indexOf(DATA_MARKER);
  if (!currentText.startsWith('{"meta":') || at < 0 || !currentText.endsWith('}')) {
    throw new Error('current.json is malformed');
  }
  return currentText.slice(at + DATA_MARKER.length, -1);
}

const sameRecord = (a: VersionRecord, b: VersionRecord): boolean =>
  a.version === b.version &&
  a.checksum === b.checksum &&
  a.deviceId === b.deviceId &&
  a.lastModified === b.lastModified;

/** Whether an object's metadata is exactly `record` (a file of another version, or of data deleted since, is not). */
const carries = (object: R2Object, record: VersionRecord): boolean => {
  const carried = parseRecordMetadata(object.customMetadata);
  return carried !== null && sameRecord(carried, record);
};

/** Whether `record` is one of the versions `state` keeps. */
const keeps = (state: CurrentState | null, record: VersionRecord): boolean =>
  state?.versions.some((kept) => sameRecord(kept, record)) ?? false;

/** The head is this very push, committed earlier (its response was lost): a retry, not a conflict. */
const isCommittedRetry = (head: VersionRecord, push: PushIdentity): boolean =>
  head.version === push.version + 1 && head.checksum === push.checksum && head.deviceId === push.deviceId;

/**
 * Whether the server's current version is not the one the push is based on: another number, or the
 * same number with other data. A tombstone holds no data, so a push that names a base checksum over it is stale too.
 */
const isStaleBase = (current: VersionRecord | DeletedRecord | null, push: PushIdentity): boolean =>
  push.version !== (current?.version ?? 0) ||
  (current !== null &&
    push.baseChecksum !== undefined &&
    push.baseChecksum !== ('checksum' in current ? current.checksum : undefined));

const patchRejected = (why: string): HttpError =>
  new HttpError('PATCH_REJECTED', `The patch cannot be applied: ${why}; send the full data`);

/** A 409 telling the client what the server holds now: a version, a tombstone (`serverDeleted`), or nothing. */
function conflictError(localVersion: number, server: VersionRecord | DeletedRecord | null): HttpError {
  if (server && 'deletedAt' in server)
    return new HttpError('CONFLICT', 'Version conflict: the data was deleted', {
      localVersion,
      serverVersion: server.version,
      serverModified: server.deletedAt,
      serverDeviceId: null,
      serverDeleted: true,
    });
  return new HttpError('CONFLICT', 'Version conflict', {
    localVersion,
    serverVersion: server?.version ?? 0,
    serverModified: server?.lastModified ?? null,
    serverDeviceId: server?.deviceId ?? null,
  });
}

/** The head a conflict reports: the current record, the tombstone, or null. */
const headOf = (state: CurrentState | DeletedState | null): VersionRecord | DeletedRecord | null =>
  state && ('deleted' in state ? state.deleted : state.record);

/**
 * One user's data for one app in R2, with the write order of DESIGN §5 and §7.7: current.json is
 * the single commit point (a conditional put) and carries every kept version's record in its
 * metadata, so readers need one call; history and meta.json follow the commit. Every R2 failure
 * becomes a 503 UNAVAILABLE with `Retry-After`.
 */
export class SyncStore {
  private readonly keys: StorageKeys;

  constructor(
    private readonly bucket: SyncBucket,
    location: SyncLocation,
    private readonly now: () => Date,
  ) {
    this.keys = storageKeys(location);
  }

  /**
   * Stores a push as the next version: makes sure the version it replaces is in history, commits
   * by compare-and-swap on current.json, then writes its own history file, prunes, updates
   * meta.json and cleans up after itself if a DELETE removed it meanwhile. Resolves only once all
   * that is done.
   *
   * @throws HttpError CONFLICT when `push.version` is not the server's version (or another push
   * committed first); UNAVAILABLE when R2 fails (a retry of the same push then finishes the job).
   */
  async push(push: PushCommand): Promise<VersionRecord> {
    const head = await this.r2('head', () => this.bucket.head(this.keys.current));
    const tombstone = head && tombstoneOf(head);
    let state = head && !tombstone ? await this.stateOf(head) : null;
    let canonical: string;
    if (!state || !isCommittedRetry(state.record, push)) {
      if (isStaleBase(state?.record ?? tombstone, push)) throw conflictError(push.version, state?.record ?? tombstone);
      // Over a tombstone: compare-and-swap on its etag, and nothing is kept before the new version.
      const replaced = head ? { head, state } : null;
      canonical = 'canonical' in push ? push.canonical : await this.patched(push, push.patch, state && head);
      state = await this.commit({ ...push, canonical }, replaced);
    } else {
      canonical = 'canonical' in push ? push.canonical : await this.committedData(state.record);
    }
    await this.finishCommit(
      state,
      canonical,
      'patch' in push ? { patch: push.patch } : { data: JSON.parse(canonical) as Snapshot },
    );
    return state.record;
  }

  /**
   * The canonical JSON of a patch applied to the data of the head `head` (nothing stored: `{}`),
   * read from current.json as `head` saw it (if another push committed since, that is a conflict).
   *
   * @throws HttpError PATCH_REJECTED when the result's checksum is not the push's; CONFLICT when the base moved;
   * PAYLOAD_TOO_LARGE when the result is over the key cap or `maxStoredBytes`.
   */
  private async patched(
    push: PushIdentity & { maxStoredBytes: number },
    patch: PushPatch,
    head: R2Object | null,
  ): Promise<string> {
    // The base is parsed in a frame of its own and patched in place, so its text and the parsed
    // objects are garbage once the canonical text exists (docs/performance.md, "Memory").
    const data = patchInPlace(head ? await this.baseData(push, head) : emptySnapshot(), patch);
    const canonical = canonicalJson(data);
    assertStorable(data, canonical, push.maxStoredBytes);
    return this.patchResultChecked(canonical, push.checksum);
  }

  /** `canonical` once it hashes to `checksum`; an async frame of its own, so the patched objects are not kept across the hash. */
  private async patchResultChecked(canonical: string, checksum: string): Promise<string> {
    if ((await sha256Hex(canonical)) !== checksum)
      throw patchRejected("the result's checksum is not `checksum` (the base differs from this device's)");
    return canonical;
  }

  /** The data of current.json as the head `head` saw it, parsed; a conflict if another push committed since. */
  private async baseData(push: PushIdentity, head: R2Object): Promise<Snapshot> {
    const object = await this.r2('get', () => this.bucket.get(this.keys.current));
    if (!object || object.etag !== head.etag) {
      await object?.body.cancel();
      throw conflictError(push.version, headOf(await this.readHead()));
    }
    const base: unknown = JSON.parse(dataTextOf(await this.r2('read', () => object.text())));
    if (!isSnapshot(base)) throw new Error('current.json holds data that is not a snapshot');
    return base;
  }

  /** The data text of the head, which is `record` (a retry of a committed patch push, whose data is only stored). */
  private async committedData(record: VersionRecord): Promise<string> {
    const object = await this.r2('get', () => this.bucket.get(this.keys.current));
    if (object && carries(object, record)) return dataTextOf(await this.r2('read', () => object.text()));
    await object?.body.cancel();
    throw conflictError(record.version - 1, headOf(await this.readHead()));
  }

  /** The current version with its data and the kept versions' records, the tombstone, or null when nothing is stored. */
  async readCurrent(): Promise<(StoredVersion & CurrentState) | DeletedState | null> {
    const object = await this.r2('get', () => this.bucket.get(this.keys.current));
    if (!object) return null;
    const deleted = tombstoneOf(object);
    if (deleted) {
      await object.body.cancel();
      return { deleted };
    }
    const state = await this.stateOf(object);
    return { ...state, dataText: dataTextOf(await this.r2('read', () => object.text())) };
  }

  /**
   * The changes from version `since` to the current one as one patch (DESIGN §9): a `head` of
   * current.json and one small `get` per version since; null when the full data must be answered.
   */
  async readChangesSince(since: number): Promise<(ChangesSince & CurrentState) | null> {
    const state = await this.readState();
    const changes = state && (await changesSince(state.record, state.versions, since, this.changeFiles()));
    return changes && { ...changes, ...state };
  }

  /** The current record and the kept versions' records, without the data; null when nothing is stored (or a tombstone). */
  async readState(): Promise<CurrentState | null> {
    const head = await this.readHead();
    return head && !('deleted' in head) ? head : null;
  }

  /** What current.json holds, read with one `head`: a version and the kept versions' records, a tombstone, or null. */
  async readHead(): Promise<CurrentState | DeletedState | null> {
    const head = await this.r2('head', () => this.bucket.head(this.keys.current));
    const deleted = head && tombstoneOf(head);
    return deleted ? { deleted } : head && this.stateOf(head);
  }

  /**
   * One kept version, or null. The current version is read from current.json, the commit point,
   * so it is served even before (or without) its history file; an older one from its history
   * file, only if that file holds exactly the kept record (never data a DELETE removed).
   */
  async readVersion(version: number): Promise<StoredVersion | null> {
    const state = await this.readState();
    const record = state?.versions.find((kept) => kept.version === version);
    if (!state || !record) return null;
    if (version === state.record.version) {
      const fromCurrent = await this.r2('get', () => this.bucket.get(this.keys.current));
      if (fromCurrent && carries(fromCurrent, record))
        return { record, dataText: dataTextOf(await this.r2('read', () => fromCurrent.text())) };
      await fromCurrent?.body.cancel();
    }
    const file = await this.r2('get', () => this.bucket.get(this.keys.history(version)));
    if (!file) return null;
    if (!carries(file, record)) {
      await file.body.cancel();
      return null;
    }
    return { record, dataText: await this.r2('read', () => file.text()) };
  }

  /**
   * Deletes everything stored for this user and app (DESIGN §10): first commits a tombstone over
   * current.json (compare-and-swap on its etag, one above its version, no data), so readers see
   * the deletion at once and the next push takes the number after it; then removes history,
   * change files and meta.json of the versions below the tombstone, listing again until none are
   * left (a push that raced it may write its files late). Files of versions above the tombstone
   * (pushes after it) are never touched. A retry finds the tombstone and finishes the job.
   *
   * @returns whether anything was stored, and the tombstone (null when nothing ever was).
   * @throws HttpError UNAVAILABLE when R2 fails, or when racing writes outlast {@link DELETE_ROUNDS_MAX} rounds.
   */
  async deleteAll(): Promise<DeleteOutcome> {
    for (let round = 0; round < DELETE_ROUNDS_MAX; round++) {
      const committed = await this.commitTombstone();
      if (committed === undefined) continue;
      if (committed === null) return { found: false, tombstone: null };
      const removed = await this.removeBelow(committed.tombstone.version);
      return { found: committed.found || removed, tombstone: committed.tombstone };
    }
    throw unavailableError('Data is still being written, retry the delete shortly');
  }

  /**
   * Commits the tombstone: over the current version (etag match), over leftovers with no
   * current.json (create-only, above every version they name), or keeps the one already there.
   * Returns it, null when nothing at all is stored, or undefined when a push committed first.
   */
  private async commitTombstone(): Promise<{ tombstone: DeletedRecord; found: boolean } | null | undefined> {
    const head = await this.r2('head', () => this.bucket.head(this.keys.current));
    const existing = head && tombstoneOf(head);
    if (existing) return { tombstone: existing, found: false };
    let below = head ? recordFromMetadata(head.key, head.customMetadata).version : 0;
    if (!head) {
      const keys = await this.listKeys(this.keys.base);
      if (keys.length === 0) return null;
      below = Math.max(0, ...keys.map((key) => versionOfKey(key) ?? 0));
    }
    const tombstone: DeletedRecord = { version: below + 1, deletedAt: this.now().toISOString() };
    const put = await this.r2('put', () =>
      this.bucket.put(this.keys.current, tombstoneJson(tombstone), {
        onlyIf: head ? { etagMatches: head.etag } : { etagDoesNotMatch: '*' },
        customMetadata: tombstoneMetadata(tombstone),
        httpMetadata: JSON_CONTENT,
      }),
    );
    return put ? { tombstone, found: true } : undefined;
  }

  /** Deletes the history, change files and meta.json of versions below `version`, until a listing finds none. Returns whether it deleted any. */
  private async removeBelow(version: number): Promise<boolean> {
    let removed = false;
    for (let round = 0; round < DELETE_ROUNDS_MAX; round++) {
      const doomed: string[] = [];
      for (const key of await this.listKeys(this.keys.base)) {
        if (key === this.keys.current) continue;
        const named = versionOfKey(key);
        if (named !== null ? named < version : key !== this.keys.meta || (await this.metaFileBelow(version)))
          doomed.push(key);
      }
      if (doomed.length === 0) return removed;
      removed = true;
      for (let i = 0; i < doomed.length; i += DELETE_BATCH_KEYS)
        await this.deleteObjects(doomed.slice(i, i + DELETE_BATCH_KEYS));
    }
    throw unavailableError('Data is still being written, retry the delete shortly');
  }

  /** Whether meta.json shows a version below `version` (a push after the tombstone writes a newer one, which stays). */
  private async metaFileBelow(version: number): Promise<boolean> {
    const file = await this.r2('head', () => this.bucket.head(this.keys.meta));
    const shown = file && parseRecordMetadata(file.customMetadata);
    return file !== null && (shown === null || shown.version < version);
  }

  /**
   * The commit point: current.json put conditionally on the etag the push's check saw, listing the
   * kept versions' records. The version it replaces is made sure to be in history first (its own
   * push may have failed before writing it), since the new record lists it as kept.
   */
  private async commit(
    push: PushIdentity & { canonical: string },
    replaced: { head: R2Object; state: CurrentState | null } | null,
  ): Promise<CurrentState> {
    const repaired = replaced?.state != null && (await this.ensureInHistory(replaced.state.record, replaced.head));
    const record: VersionRecord = {
      version: push.version + 1,
      checksum: push.checksum,
      deviceId: push.deviceId,
      lastModified: this.now().toISOString(),
      size: utf8ByteLength(push.canonical),
      // R2 metadata holds well-formed text only: a lone surrogate (a name cut inside an emoji)
      // would come back as three other characters, and a 64-character name could outgrow the
      // contract's limit and make every later read fail.
      ...(push.deviceName === undefined ? {} : { deviceName: push.deviceName.toWellFormed() }),
    };
    const keptBefore = (replaced?.state?.versions ?? []).slice(-KEPT_BEFORE_MAX);
    const committed = await this.r2('put', () =>
      this.bucket.put(this.keys.current, currentJson(record, push.canonical), {
        onlyIf: replaced ? { etagMatches: replaced.head.etag } : { etagDoesNotMatch: '*' },
        customMetadata: commitMetadata(record, keptBefore),
        httpMetadata: JSON_CONTENT,
      }),
    );
    if (committed) return { record, versions: [...keptBefore, record] };
    // Another push (or a DELETE) got there first. The same push sent twice at once is no conflict.
    const head = await this.readHead();
    const now = head && !('deleted' in head) ? head : null;
    if (now && isCommittedRetry(now.record, push)) return now;
    // A history file this push wrote for a version nobody keeps any more (a DELETE ran) must go.
    if (replaced?.state && repaired && !keeps(now, replaced.state.record))
      await this.deleteObjects([this.keys.history(replaced.state.record.version)]);
    throw conflictError(push.version, headOf(head));
  }

  /**
   * Makes sure history/{v}.json holds the version `current` (the one a push is about to replace):
   * when it is missing or holds something else, it is written from current.json, if current.json
   * is still the object `head` saw (if not, the commit fails anyway). Returns whether it wrote.
   */
  private async ensureInHistory(current: VersionRecord, head: R2Object): Promise<boolean> {
    const file = await this.r2('head', () => this.bucket.head(this.keys.history(current.version)));
    if (file && carries(file, current)) return false;
    const object = await this.r2('get', () => this.bucket.get(this.keys.current));
    if (!object || object.etag !== head.etag) {
      await object?.body.cancel();
      return false;
    }
    await this.writeHistory(current, dataTextOf(await this.r2('read', () => object.text())));
    return true;
  }

  /**
   * After the commit: history/{v}.json, the version that aged out deleted, meta.json, and last a
   * check that current.json still keeps this version. If it does not (a DELETE ran meanwhile, or
   * newer pushes aged it out), what this push wrote is deleted again: whichever way it races a
   * DELETE, either its check sees current.json gone, or its writes happened before the DELETE's
   * final listing, which then finds them.
   */
  private async finishCommit(state: CurrentState, canonical: string, change: CommittedChange): Promise<void> {
    const { record } = state;
    await this.writeOwnHistory(record, canonical);
    await recordChange(state.versions, change, this.changeFiles());
    if (record.version > HISTORY_KEEP)
      await this.deleteObjects([
        this.keys.history(record.version - HISTORY_KEEP),
        this.keys.change(record.version - HISTORY_KEEP),
      ]);
    await this.writeMetaFile(state);
    const now = await this.readState();
    if (keeps(now, record)) return;
    const leftovers: string[] = [];
    const file = await this.r2('head', () => this.bucket.head(this.keys.history(record.version)));
    if (file && carries(file, record)) leftovers.push(this.keys.history(record.version));
    const changeFile = await this.r2('head', () => this.bucket.head(this.keys.change(record.version)));
    if (changeFile && carries(changeFile, record)) leftovers.push(this.keys.change(record.version));
    // meta.json only if it is this push's: a push after a DELETE's tombstone may have written a newer one.
    const metaFile = await this.r2('head', () => this.bucket.head(this.keys.meta));
    if (metaFile && carries(metaFile, record)) leftovers.push(this.keys.meta);
    if (leftovers.length) await this.deleteObjects(leftovers);
  }

  /**
   * A push's own history file, written after its commit. Version numbers never restart (DESIGN
   * §10), but current.json written by an older release may have: a file of a kept version is never
   * replaced, and any other is replaced only if it is still the one looked at (a conditional put;
   * a lost race means someone else wrote it).
   */
  private async writeOwnHistory(record: VersionRecord, canonical: string): Promise<void> {
    const file = await this.r2('head', () => this.bucket.head(this.keys.history(record.version)));
    if (file && carries(file, record)) return;
    const other = file && parseRecordMetadata(file.customMetadata);
    if (other && keeps(await this.readState(), other)) return;
    await this.writeHistory(record, canonical, file ? { etagMatches: file.etag } : { etagDoesNotMatch: '*' });
  }

  /** The R2 calls of the change log (change-log.ts): only files that carry the record asked for are read. */
  private changeFiles(): ChangeFiles {
    const checked = async (object: R2ObjectBody | null, record: VersionRecord): Promise<R2ObjectBody | null> => {
      if (object && carries(object, record)) return object;
      await object?.body.cancel();
      return null;
    };
    return {
      historyText: async (record) => {
        const file = await checked(
          await this.r2('get', () => this.bucket.get(this.keys.history(record.version))),
          record,
        );
        return file && this.r2('read', () => file.text());
      },
      put: (version, text, options) => this.r2('put', () => this.bucket.put(this.keys.change(version), text, options)),
      get: async (record) =>
        checked(await this.r2('get', () => this.bucket.get(this.keys.change(record.version))), record),
      text: (object) => this.r2('read', () => object.text()),
    };
  }

  /** history/{v}.json holds exactly the canonical JSON; R2 verifies it against the checksum. */
  private async writeHistory(record: VersionRecord, canonical: string, onlyIf?: R2Conditional): Promise<void> {
    await this.r2('put', () =>
      this.bucket.put(this.keys.history(record.version), canonical, {
        sha256: record.checksum,
        customMetadata: recordMetadata(record),
        httpMetadata: JSON_CONTENT,
        ...(onlyIf && { onlyIf }),
      }),
    );
  }

  /**
   * meta.json, for people browsing the bucket: written only over an older version, conditionally,
   * so it never goes backwards. Best effort: a failure is logged and the next push repairs it.
   */
  private async writeMetaFile({ record, versions }: CurrentState): Promise<void> {
    try {
      const existing = await this.bucket.head(this.keys.meta);
      const shown = existing && recordFromMetadata(existing.key, existing.customMetadata);
      if (shown && shown.version >= record.version && !(await this.isLeftover(shown))) return;
      await this.bucket.put(
        this.keys.meta,
        JSON.stringify({ ...record, versions: versions.map((kept) => kept.version) }),
        {
          onlyIf: existing ? { etagMatches: existing.etag } : { etagDoesNotMatch: '*' },
          customMetadata: recordMetadata(record),
          httpMetadata: JSON_CONTENT,
        },
      );
    } catch (error) {
      console.error(`meta.json not updated for ${this.keys.base} (the next push repairs it)`, error);
    }
  }

  /** True when meta.json shows a version current.json does not hold: left by a push that raced a DELETE. */
  private async isLeftover(shown: VersionRecord): Promise<boolean> {
    const current = await this.readState();
    return (
      !current ||
      current.record.version < shown.version ||
      (current.record.version === shown.version && !sameRecord(current.record, shown))
    );
  }

  /**
   * The record of a current.json object and the kept versions' records: from its metadata, or, for
   * an object written before the metadata listed them, from a listing of history/ (once, until the
   * next push writes the list).
   */
  private async stateOf(object: R2Object): Promise<CurrentState> {
    const record = recordFromMetadata(object.key, object.customMetadata);
    const keptBefore =
      keptBeforeFromMetadata(object.key, object.customMetadata) ?? (await this.keptBeforeFromHistory(record.version));
    return { record, versions: [...keptBefore, record] };
  }

  /** The records of the history files of the {@link KEPT_BEFORE_MAX} versions before `current`, ascending. */
  private async keptBeforeFromHistory(current: number): Promise<VersionRecord[]> {
    const kept: VersionRecord[] = [];
    for (const object of await this.listObjects(this.keys.historyPrefix, ['customMetadata'])) {
      const record = parseRecordMetadata(object.customMetadata);
      const isItsFile = record !== null && object.key === this.keys.history(record.version);
      if (isItsFile && record.version < current && record.version >= current - KEPT_BEFORE_MAX) kept.push(record);
    }
    return kept.sort((a, b) => a.version - b.version);
  }

  private async listKeys(prefix: string): Promise<string[]> {
    return (await this.listObjects(prefix)).map((object) => object.key);
  }

  private async listObjects(prefix: string, include?: R2ListOptions['include']): Promise<R2Object[]> {
    const objects: R2Object[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.r2('list', () => this.bucket.list({ prefix, cursor, ...(include ? { include } : {}) }));
      objects.push(...page.objects);
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor !== undefined);
    return objects;
  }

  private async deleteObjects(keys: string[]): Promise<void> {
    await this.r2('delete', () => this.bucket.delete(keys));
  }

  /** Runs one R2 call; any failure (an outage, a 429 "reduce your rate") becomes a 503. */
  private async r2<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      console.error(`R2 ${operation} failed for ${this.keys.base}`, error);
      throw unavailableError();
    }
  }
}
