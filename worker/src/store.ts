import { isVersionRecord, utf8ByteLength, type VersionRecord } from '../../sdk/contract/index.js';
import { HttpError, unavailableError } from './http-error.js';

/** How many versions are kept in `history/`. */
export const HISTORY_KEEP = 5;

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

/** A push that passed validation: its data already in canonical JSON with a matching checksum. */
export interface PushCommand {
  /** The server version the client last synced (0 if never). */
  version: number;
  checksum: string;
  deviceId: string;
  /** The canonical JSON of the pushed data. */
  canonical: string;
}

/** One stored version: its record and its data as canonical JSON text. */
export interface StoredVersion {
  record: VersionRecord;
  dataText: string;
}

/** The current version plus the versions a client may fetch. */
export interface CurrentState {
  record: VersionRecord;
  availableVersions: number[];
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
  };
}

type StorageKeys = ReturnType<typeof storageKeys>;

/** R2's limit on keys per `delete` call. */
const DELETE_BATCH_KEYS = 1000;
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

function toCustomMetadata(record: VersionRecord): Record<string, string> {
  return {
    version: String(record.version),
    checksum: record.checksum,
    deviceId: record.deviceId,
    lastModified: record.lastModified,
    size: String(record.size),
  };
}

function recordOf(object: R2Object): VersionRecord {
  const m = object.customMetadata ?? {};
  const record = {
    version: Number(m.version),
    checksum: m.checksum,
    deviceId: m.deviceId,
    lastModified: m.lastModified,
    size: Number(m.size),
  };
  if (!isVersionRecord(record)) throw new Error(`${object.key} carries no valid version record`);
  return record;
}

const sameRecord = (a: VersionRecord, b: VersionRecord): boolean =>
  a.version === b.version && a.checksum === b.checksum && a.deviceId === b.deviceId && a.lastModified === b.lastModified;

/** The head is this very push, committed earlier (its response was lost): a retry, not a conflict. */
const isCommittedRetry = (head: VersionRecord, push: PushCommand): boolean =>
  head.version === push.version + 1 && head.checksum === push.checksum && head.deviceId === push.deviceId;

/** Whether `version` is in the kept window of a server at `current`: the newest {@link HISTORY_KEEP}. */
const isKept = (version: number, current: number): boolean => version <= current && version > current - HISTORY_KEEP;

/** A 409 telling the client what the server holds now. */
function conflictError(localVersion: number, server: VersionRecord | null): HttpError {
  return new HttpError('CONFLICT', 'Version conflict', {
    localVersion,
    serverVersion: server?.version ?? 0,
    serverModified: server?.lastModified ?? null,
    serverDeviceId: server?.deviceId ?? null,
  });
}

/**
 * One user's data for one app in R2, with the write order of DESIGN §5: current.json is the
 * single commit point (a conditional put); history and meta.json follow it; readers trust
 * current.json first. Every R2 failure becomes a 503 UNAVAILABLE with `Retry-After`.
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
   * Stores a push as the next version by compare-and-swap on current.json, then writes its
   * history file, prunes history and updates meta.json. Resolves only once all that is done.
   *
   * @throws HttpError CONFLICT when `push.version` is not the server's version (or another push
   * committed first); UNAVAILABLE when R2 fails (a retry of the same push then finishes the job).
   */
  async push(push: PushCommand): Promise<VersionRecord> {
    const head = await this.r2('head', () => this.bucket.head(this.keys.current));
    let record = head && recordOf(head);
    if (!record || !isCommittedRetry(record, push)) {
      if (push.version !== (record?.version ?? 0)) throw conflictError(push.version, record);
      record = await this.commit(push, head);
    }
    await this.writeHistory(record, push.canonical);
    const versions = await this.pruneHistory(record.version);
    await this.writeMetaFile(record, versions);
    return record;
  }

  /** The current version with its data, or null when nothing is stored. */
  async readCurrent(): Promise<(StoredVersion & CurrentState) | null> {
    const current = await this.readCurrentVersion();
    if (!current) return null;
    return { ...current, availableVersions: await this.availableVersions(current.record.version) };
  }

  /** The current record and available versions, without the data; null when nothing is stored. */
  async readState(): Promise<CurrentState | null> {
    const record = await this.headCurrent();
    if (!record) return null;
    return { record, availableVersions: await this.availableVersions(record.version) };
  }

  /**
   * One kept version (one of the newest {@link HISTORY_KEEP} at or below the current one), or
   * null. The current version is read from current.json, the commit point, so it is served even
   * before (or without) its history file.
   */
  async readVersion(version: number): Promise<StoredVersion | null> {
    const current = await this.headCurrent();
    if (!current || !isKept(version, current.version)) return null;
    if (version === current.version) {
      const fromCurrent = await this.readCurrentVersion();
      if (fromCurrent?.record.version === version) return fromCurrent;
    }
    const file = await this.r2('get', () => this.bucket.get(this.keys.history(version)));
    if (!file) return null;
    return { record: recordOf(file), dataText: await this.r2('read', () => file.text()) };
  }

  /**
   * Deletes everything stored for this user and app: history and meta.json first, current.json
   * last, so a failure midway leaves the current version readable and a retry finishes the job.
   *
   * @returns whether anything was stored.
   */
  async deleteAll(): Promise<boolean> {
    const keys = await this.listKeys(this.keys.base);
    const others = keys.filter((key) => key !== this.keys.current);
    for (let i = 0; i < others.length; i += DELETE_BATCH_KEYS) {
      const batch = others.slice(i, i + DELETE_BATCH_KEYS);
      await this.r2('delete', () => this.bucket.delete(batch));
    }
    if (keys.includes(this.keys.current)) await this.r2('delete', () => this.bucket.delete(this.keys.current));
    return keys.length > 0;
  }

  /** The commit point: current.json put conditionally on the etag the push's check saw. */
  private async commit(push: PushCommand, head: R2Object | null): Promise<VersionRecord> {
    const record: VersionRecord = {
      version: push.version + 1,
      checksum: push.checksum,
      deviceId: push.deviceId,
      lastModified: this.now().toISOString(),
      size: utf8ByteLength(push.canonical),
    };
    const committed = await this.r2('put', () =>
      this.bucket.put(this.keys.current, currentJson(record, push.canonical), {
        onlyIf: head ? { etagMatches: head.etag } : { etagDoesNotMatch: '*' },
        customMetadata: toCustomMetadata(record),
        httpMetadata: JSON_CONTENT,
      }),
    );
    if (committed) return record;
    // Another push (or a DELETE) got there first. The same push sent twice at once is no conflict.
    const now = await this.headCurrent();
    if (now && isCommittedRetry(now, push)) return now;
    throw conflictError(push.version, now);
  }

  /** history/{v}.json holds exactly the canonical JSON; R2 verifies it against the checksum. */
  private async writeHistory(record: VersionRecord, canonical: string): Promise<void> {
    await this.r2('put', () =>
      this.bucket.put(this.keys.history(record.version), canonical, {
        sha256: record.checksum,
        customMetadata: toCustomMetadata(record),
        httpMetadata: JSON_CONTENT,
      }),
    );
  }

  /**
   * Deletes history older than the kept window and any above the current version (left by a push
   * that raced a DELETE). Returns the versions kept.
   */
  private async pruneHistory(version: number): Promise<number[]> {
    const stored = await this.historyVersions();
    // Files above this version are leftovers only if current.json is below them: when this push
    // finishes late, they belong to newer commits and must stay.
    const newest = stored.some((v) => v > version) ? Math.max(version, (await this.headCurrent())?.version ?? 0) : version;
    const stale = stored.filter((v) => v > newest || v <= version - HISTORY_KEEP);
    if (stale.length > 0) await this.r2('delete', () => this.bucket.delete(stale.map(this.keys.history)));
    return [...new Set([...stored.filter((v) => !stale.includes(v)), version])].sort((a, b) => a - b);
  }

  /**
   * meta.json, for people browsing the bucket: written only over an older version, conditionally,
   * so it never goes backwards. Best effort: a failure is logged and the next push repairs it.
   */
  private async writeMetaFile(record: VersionRecord, versions: number[]): Promise<void> {
    try {
      const existing = await this.bucket.head(this.keys.meta);
      const shown = existing && recordOf(existing);
      if (shown && shown.version >= record.version && !(await this.isLeftover(shown))) return;
      await this.bucket.put(this.keys.meta, JSON.stringify({ ...record, versions }), {
        onlyIf: existing ? { etagMatches: existing.etag } : { etagDoesNotMatch: '*' },
        customMetadata: toCustomMetadata(record),
        httpMetadata: JSON_CONTENT,
      });
    } catch (error) {
      console.error(`meta.json not updated for ${this.keys.base} (the next push repairs it)`, error);
    }
  }

  /** True when meta.json shows a version current.json does not hold: left by a push that raced a DELETE. */
  private async isLeftover(shown: VersionRecord): Promise<boolean> {
    const current = await this.headCurrent();
    return !current || current.version < shown.version || (current.version === shown.version && !sameRecord(current, shown));
  }

  private async headCurrent(): Promise<VersionRecord | null> {
    const head = await this.r2('head', () => this.bucket.head(this.keys.current));
    return head && recordOf(head);
  }

  private async readCurrentVersion(): Promise<StoredVersion | null> {
    const object = await this.r2('get', () => this.bucket.get(this.keys.current));
    if (!object) return null;
    const text = await this.r2('read', () => object.text());
    return { record: recordOf(object), dataText: dataTextOf(text) };
  }

  /**
   * The kept versions, ascending: history files among the newest {@link HISTORY_KEEP} at or below
   * `current`, plus the current one. The same window as {@link readVersion}, so every version
   * listed can be fetched, even if an older file lingers after a failed prune.
   */
  private async availableVersions(current: number): Promise<number[]> {
    const versions = new Set((await this.historyVersions()).filter((v) => isKept(v, current)));
    versions.add(current);
    return [...versions].sort((a, b) => a - b);
  }

  private async historyVersions(): Promise<number[]> {
    const keys = await this.listKeys(this.keys.historyPrefix);
    const versions: number[] = [];
    for (const key of keys) {
      const match = /^(\d+)\.json$/.exec(key.slice(this.keys.historyPrefix.length));
      if (match) versions.push(Number(match[1]));
    }
    return versions;
  }

  private async listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.r2('list', () => this.bucket.list({ prefix, cursor }));
      keys.push(...page.objects.map((object) => object.key));
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor !== undefined);
    return keys;
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
