import type { Snapshot } from '../sdk/contract/index.js';
import type { ConflictInfo } from '../sdk/core/sync-state.js';
import { HISTORY_KEEP } from '../worker/src/store.js';

/** One broken promise, found at `at` (simulated ms since the start). */
export interface Violation {
  invariant:
    | 'acknowledged-version'
    | 'versions-up'
    | 'no-silent-overwrite'
    | 'no-lost-edit'
    | 'no-cross-account'
    | 'readers-consistent'
    | 'needless-conflict'
    | 'progress'
    | 'stopped-writes'
    | 'crash'
    | 'live-hint-only'
    | 'live-missed-caught'
    | 'live-no-storm';
  message: string;
  at: number;
  /** The known, reported issue this violation is an instance of (see `known-issues.ts`), if any. */
  known?: string;
}

/** An app's change of one key on a device: what the app believed the key held, and what it wrote (null: removed). */
interface Edit {
  prev: string | null;
  next: string | null;
}

/** A committed version as current.json held it. */
export interface Commit {
  user: string;
  version: number;
  deviceId: string;
  checksum: string;
  data: Snapshot;
  canonical: string;
}

const CURRENT_KEY = /^sync\/([^/]+)\/[^/]+\/current\.json$/;
const DATA_MARKER = ',"data":';

/** The version of a tombstone current.json (`{"deleted":{"version":N,...}}`, DESIGN §10), or null for any other object. */
export function tombstoneVersion(key: string, text: string): number | null {
  if (!CURRENT_KEY.test(key)) return null;
  const parsed = JSON.parse(text) as { deleted?: { version: number } };
  return parsed.deleted?.version ?? null;
}

/** Reads a current.json body as DESIGN §5 lays it out: `{"meta":<record>,"data":<canonical JSON>}`; null for a tombstone. */
export function parseCurrent(key: string, text: string): Commit | null {
  const user = CURRENT_KEY.exec(key)?.[1];
  if (!user || tombstoneVersion(key, text) !== null) return null;
  const parsed = JSON.parse(text) as { meta: { version: number; deviceId: string; checksum: string }; data: Snapshot };
  const at = text.indexOf(DATA_MARKER);
  return {
    user,
    version: parsed.meta.version,
    deviceId: parsed.meta.deviceId,
    checksum: parsed.meta.checksum,
    data: parsed.data,
    canonical: text.slice(at + DATA_MARKER.length, -1),
  };
}

/**
 * What the simulation knows to be true, to judge what the system did. Every value an app writes
 * is a fresh token (`e17`), so any value seen anywhere names the edit that made it. The ledger
 * records each app edit per device (what the app believed it replaced), which account owns each
 * token, what was committed and acknowledged, and each person's explicit choices; the checks of
 * {@link Ledger} and `invariants.ts` compare what the system did against it.
 */
export class Ledger {
  readonly violations: Violation[] = [];
  private tokens = 0;
  /** token -> accounts it may appear in (null: written while nobody was ever signed in here, anyone's). */
  private readonly owners = new Map<string, Set<string | null>>();
  /** device -> key -> prev value ('' for absent) -> next values. */
  private readonly edits = new Map<string, Map<string, Map<string, Set<string>>>>();
  /** user -> the highest version committed so far, data or tombstone (versions only go up, DESIGN §10). */
  private readonly highest = new Map<string, number>();
  /** user -> version -> canonical texts ever committed as that version (one each: numbers never repeat). */
  readonly committed = new Map<string, Map<number, Set<string>>>();
  /** user -> versions committed as tombstones (a device that adopts a deletion holds that version, DESIGN §10). */
  readonly tombstones = new Map<string, Set<number>>();
  /** Tokens that reached some account's committed data. */
  private readonly reachedServer = new Set<string>();
  /** device -> tokens ever put in one of its local backups. */
  private readonly backedUp = new Map<string, Set<string>>();
  /** device -> tokens a person chose to discard there ("use server data"). */
  private readonly discarded = new Map<string, Set<string>>();
  /** Pushes a person allowed: `${user}|${device}|v${serverVersion}` (keep my changes) or `${user}|${device}|${checksum}` (restore). */
  private readonly allowances = new Set<string>();
  /** Acknowledged pushes: user, version, checksum, and when (in bucket writes) their commit landed. */
  readonly acked: { user: string; version: number; checksum: string; committedAt: number }[] = [];
  /** Bucket writes so far: the order of commits and DELETEs. */
  private writes = 0;
  /** `${user}|${version}|${checksum}` -> the write that committed it last. */
  private readonly commitWrite = new Map<string, number>();
  /** user -> DELETEs at the Worker: the write count when each started and ended (undefined while running). */
  private readonly deletes = new Map<string, { start: number; end?: number }[]>();
  /** Users whose server data changed since the readers were last checked. */
  readonly dirtyUsers = new Set<string>();
  /** `${user}|${device}` -> the last version that device committed for that user, and when. */
  private readonly lastOwnCommit = new Map<string, { version: number; data: Snapshot; at: number }>();
  /** device -> when (in bucket writes) a person last restored a local backup there. */
  private readonly backupRestored = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  violate(invariant: Violation['invariant'], message: string, known?: string): void {
    this.violations.push({ invariant, message, at: this.now(), ...(known && { known }) });
  }

  // ---- tokens and edits ----

  /** A fresh value for an app to write, owned by `accounts` (null: nobody was ever signed in on the device, so anyone's). */
  newToken(accounts: Iterable<string | null>): string {
    const token = `e${++this.tokens}`;
    this.owners.set(token, new Set(accounts));
    return token;
  }

  /** A person chose to upload `tokens` into `account` ("keep my changes" on another account's data). */
  grant(tokens: Iterable<string>, account: string): void {
    for (const token of tokens) this.owners.get(token)?.add(account);
  }

  /** Whether `value` may appear in `account`'s data (values that are no tokens of ours are anyone's). */
  allowed(value: string, account: string): boolean {
    const owners = this.owners.get(value);
    return !owners || owners.has(account) || owners.has(null);
  }

  /** The app on `device` changed `key` from what it believed was `prev` to `next`. */
  edit(device: string, key: string, prev: string | null, next: string | null): void {
    const byKey = this.edits.get(device) ?? new Map<string, Map<string, Set<string>>>();
    this.edits.set(device, byKey);
    const byPrev = byKey.get(key) ?? new Map<string, Set<string>>();
    byKey.set(key, byPrev);
    const nexts = byPrev.get(prev ?? '') ?? new Set<string>();
    byPrev.set(prev ?? '', nexts);
    nexts.add(next ?? '');
  }

  /** Whether edits on `device` lead `key` from `from` to `to` (a chain of edits, each made knowing the value before it). */
  private editsLead(device: string, key: string, from: string | null, to: string | null): boolean {
    const byPrev = this.edits.get(device)?.get(key);
    if (!byPrev) return false;
    const seen = new Set<string>([from ?? '']);
    const queue = [from ?? ''];
    while (queue.length) {
      for (const next of byPrev.get(queue.shift()!) ?? []) {
        if (next === (to ?? '')) return true;
        if (!seen.has(next)) (seen.add(next), queue.push(next));
      }
    }
    return false;
  }

  /** A person chose "keep my changes" on `device` against `user`'s version `serverVersion` (a whole-data conflict). */
  allowKeepLocal(user: string, device: string, serverVersion: number): void {
    this.allowances.add(`${user}|${device}|v${serverVersion}`);
  }

  /**
   * A person chose on a key-level conflict (DESIGN §9): for each colliding key, the value kept
   * replaces the other side's, which the person saw, as an edit on `device` does. Every other key
   * of what the device pushes must still follow from its own edits or keep the server's value.
   */
  decideKeys(
    device: string,
    choice: 'keep-local' | 'use-server',
    values: readonly ConflictInfo['values'][number][],
  ): void {
    for (const { key, local, server } of values) {
      if (choice === 'keep-local') this.edit(device, key, server, local);
      else this.edit(device, key, local, server);
    }
  }

  /** A person chose to restore a kept version whose checksum is `checksum`. */
  allowRestore(user: string, device: string, checksum: string): void {
    this.allowances.add(`${user}|${device}|${checksum}`);
  }

  /** A person chose "use server data" on `device` while it held `tokens`. */
  discard(device: string, tokens: Iterable<string>): void {
    const set = this.discarded.get(device) ?? new Set<string>();
    this.discarded.set(device, set);
    for (const token of tokens) set.add(token);
  }

  // ---- what the system did ----

  /** A backup was kept on `device` for `owner`: it must hold only that owner's data. */
  backupAdded(device: string, owner: string | null, data: Snapshot): void {
    const set = this.backedUp.get(device) ?? new Set<string>();
    this.backedUp.set(device, set);
    for (const [key, value] of Object.entries(data)) {
      set.add(value);
      if (owner !== null && !this.allowed(value, owner))
        this.violate(
          'no-cross-account',
          `${device} kept a backup for ${owner} holding ${key}=${value}, which is not ${owner}'s`,
        );
    }
  }

  /**
   * The SDK replaced local data on `device`, where `signedIn` is signed in: what it wrote must be
   * that account's, and every value it removed must be safe: on the server, in a local backup, or
   * discarded by a person.
   */
  replaced(device: string, signedIn: string | null, before: Snapshot, after: Snapshot, page: string): void {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const old = before[key];
      const now = after[key];
      if (old === now) continue;
      if (now !== undefined && signedIn !== null && !this.allowed(now, signedIn)) {
        this.violate(
          'no-cross-account',
          `${page} wrote ${key}=${now} into ${signedIn}'s local view; it belongs to ${[...(this.owners.get(now) ?? [])].join(',')}`,
        );
      }
      if (
        old !== undefined &&
        !this.reachedServer.has(old) &&
        !this.backedUp.get(device)?.has(old) &&
        !this.discarded.get(device)?.has(old)
      ) {
        this.violate(
          'no-lost-edit',
          `${page} replaced ${key}=${old} (${now ?? 'removed'}): that edit never reached the server, no backup holds it, and no person discarded it`,
        );
      }
    }
  }

  /** A write to the bucket: commits (current.json) are checked as they land. */
  bucketWrite(key: string, before: string | null, after: string | null): void {
    this.writes++;
    const user = /^sync\/([^/]+)\//.exec(key)?.[1];
    if (user) this.dirtyUsers.add(user);
    if (after === null) return;
    const tombstone = user === undefined ? null : tombstoneVersion(key, after);
    if (tombstone !== null && before !== null && tombstoneVersion(key, before) === tombstone) return;
    if (tombstone !== null) {
      this.tombstones.set(user!, (this.tombstones.get(user!) ?? new Set()).add(tombstone));
      return this.versionCommitted(user!, tombstone, 'a tombstone');
    }
    const commit = parseCurrent(key, after);
    if (!commit) return;
    const previous = before === null ? null : parseCurrent(key, before);
    if (previous && previous.version === commit.version && previous.checksum === commit.checksum) return;
    this.versionCommitted(commit.user, commit.version, `data from ${commit.deviceId}`);
    // Over a tombstone: "upload this device's data again" (cloud-deleted, keep-local) was the person's choice, or a device that never synced.
    const deleted = before === null ? null : tombstoneVersion(key, before);
    if (deleted !== null) this.allowances.delete(`${commit.user}|${commit.deviceId}|v${deleted}`);
    const versions = this.committed.get(commit.user) ?? new Map<number, Set<string>>();
    this.committed.set(commit.user, versions);
    versions.set(commit.version, (versions.get(commit.version) ?? new Set()).add(commit.canonical));
    this.commitWrite.set(`${commit.user}|${commit.version}|${commit.checksum}`, this.writes);
    this.lastOwnCommit.set(`${commit.user}|${commit.deviceId}`, {
      version: commit.version,
      data: commit.data,
      at: this.writes,
    });
    for (const [key, value] of Object.entries(commit.data)) {
      this.reachedServer.add(value);
      if (!this.allowed(value, commit.user))
        this.violate(
          'no-cross-account',
          `v${commit.version} of ${commit.user} (from ${commit.deviceId}) holds ${key}=${value}, which is not ${commit.user}'s`,
        );
    }
    if (previous) this.checkTransition(previous, commit);
  }

  /** Versions only go up (DESIGN §10): every commit, of data or a tombstone, is above all before it. */
  private versionCommitted(user: string, version: number, what: string): void {
    const highest = this.highestVersion(user);
    if (version <= highest)
      this.violate(
        'versions-up',
        `${user} v${version} (${what}) was committed after v${highest}: a version number was reused`,
      );
    else this.highest.set(user, version);
  }

  /** The highest version of `user` committed so far (data or tombstone), 0 before any. */
  highestVersion(user: string): number {
    return this.highest.get(user) ?? 0;
  }

  /** A version replacing another changes only what the pushing device's edits or a person's choice changed. */
  private checkTransition(previous: Commit, commit: Commit): void {
    const { user, deviceId } = commit;
    if (
      this.allowances.delete(`${user}|${deviceId}|v${previous.version}`) ||
      this.allowances.delete(`${user}|${deviceId}|${commit.checksum}`)
    )
      return;
    // "Keep my changes" decided against an older version still covers this push when the versions
    // since came from this same device (another of its tabs pushed first).
    const earlier =
      previous.deviceId === deviceId
        ? [...this.allowances].find((a) => a.startsWith(`${user}|${deviceId}|v`))
        : undefined;
    if (earlier && this.allowances.delete(earlier)) return;
    // An emptied store is not an edit (DESIGN §7.2): however the keys went, only a person empties the server.
    if (!Object.keys(commit.data).length && Object.keys(previous.data).length) {
      return this.violate(
        'no-silent-overwrite',
        `${user} v${commit.version} from ${deviceId} emptied the server's data (v${previous.version} held ${Object.keys(previous.data).join(', ')}) without a person's choice`,
      );
    }
    for (const key of new Set([...Object.keys(previous.data), ...Object.keys(commit.data)])) {
      const from = previous.data[key] ?? null;
      const to = commit.data[key] ?? null;
      if (from === to || this.editsLead(deviceId, key, from, to)) continue;
      this.violate(
        'no-silent-overwrite',
        `${user} v${commit.version} from ${deviceId} turned ${key} from ${from ?? '(absent)'} into ${to ?? '(absent)'} over v${previous.version}: no edit on ${deviceId} saw ${from ?? '(absent)'}, and no person chose it`,
      );
    }
  }

  /** A push answer reached its page: `version` of `user` was acknowledged. */
  acknowledged(user: string, version: number, checksum: string): void {
    const committedAt = this.commitWrite.get(`${user}|${version}|${checksum}`);
    if (committedAt === undefined)
      return this.violate(
        'acknowledged-version',
        `${user} was told v${version} (${checksum.slice(0, 8)}) committed, but no such version was ever committed`,
      );
    this.acked.push({ user, version, checksum, committedAt });
  }

  /** A DELETE of `user`'s data started at the Worker. */
  deleteStarted(user: string): void {
    const list = this.deletes.get(user) ?? [];
    this.deletes.set(user, list);
    list.push({ start: this.writes });
  }

  /** That DELETE finished. */
  deleteFinished(user: string): void {
    const running = this.deletes.get(user)?.find((d) => d.end === undefined);
    if (running) running.end = this.writes;
  }

  /** Whether a DELETE of `user` is running at the Worker now. */
  deleteRunning(user: string): boolean {
    return (this.deletes.get(user) ?? []).some((d) => d.end === undefined);
  }

  /** The acknowledged versions no DELETE may have removed: committed after every DELETE of their user ended. */
  protectedAcks(user: string): { version: number; checksum: string }[] {
    const deletes = this.deletes.get(user) ?? [];
    return this.acked.filter(
      (ack) => ack.user === user && deletes.every((d) => d.end !== undefined && d.end < ack.committedAt),
    );
  }

  /** A person restored a local backup on `device`: its data may equal an old push again, by choice. */
  backupRestore(device: string): void {
    this.backupRestored.set(device, this.writes);
  }

  /**
   * A page of `device` raised a conflict that says both sides changed while its data (`local`,
   * the keys its release owns) is exactly what the device itself last committed, with no DELETE
   * and no backup restore since: nothing of this device's is at stake, it should have pulled
   * (a lost answer another device built on, DESIGN §7 / issue 11). Unless that version left the
   * kept history before the device could find its push there: then it cannot tell its own commit
   * from an edit it never synced, and asking is the safe answer (sim seed 1796704612).
   */
  conflictRaised(
    user: string,
    device: string,
    page: string,
    reason: string,
    local: Snapshot,
    keys: readonly string[],
  ): void {
    const own = this.lastOwnCommit.get(`${user}|${device}`);
    if (!own || (reason !== 'server-newer' && reason !== 'push-rejected')) return;
    if (this.highestVersion(user) - own.version >= HISTORY_KEEP) return;
    const deletes = this.deletes.get(user) ?? [];
    if (
      deletes.some((d) => d.end === undefined || d.end >= own.at) ||
      (this.backupRestored.get(device) ?? -1) >= own.at
    )
      return;
    const same = keys.every((key) => local[key] === own.data[key]);
    if (same)
      this.violate(
        'needless-conflict',
        `${page} raised ${reason} for ${user} though it holds exactly v${own.version}, which this device committed itself`,
      );
  }

  /**
   * A conflict two devices' edits could have merged (DESIGN §9): a key-level one must name only
   * collisions, keys whose value both sides changed from the base (the version this device last
   * synced) to different values; and with merging on, a `server-newer` or `push-rejected` conflict
   * of a device that runs one release (no carried keys) is always key-level.
   */
  mergeConflictRaised(user: string, page: string, conflict: ConflictInfo, oneRelease: boolean): void {
    if (conflict.reason !== 'server-newer' && conflict.reason !== 'push-rejected') return;
    if (!conflict.keys) {
      if (oneRelease)
        this.violate(
          'needless-conflict',
          `${page} raised a whole-data ${conflict.reason} conflict for ${user}, where the keys that collide decide`,
        );
      return;
    }
    const base = this.dataOf(user, conflict.localVersion);
    if (!base) return;
    for (const key of conflict.keys) {
      const shown = conflict.values.find((value) => value.key === key);
      const was = Object.hasOwn(base, key) ? base[key] : null;
      if (shown && (shown.local === shown.server || shown.local === was || shown.server === was)) {
        this.violate(
          'needless-conflict',
          `${page} named ${key} as a collision for ${user} (base v${conflict.localVersion} ${was ?? '(absent)'}, local ${shown.local ?? '(absent)'}, server ${shown.server ?? '(absent)'}): only one side changed it`,
        );
      }
    }
  }

  /** The data committed as `version` of `user`, when exactly one text ever was. */
  private dataOf(user: string, version: number): Snapshot | null {
    const texts = this.committed.get(user)?.get(version);
    return texts?.size === 1 ? (JSON.parse([...texts][0]!) as Snapshot) : null;
  }

  /** Whether `canonical` was ever committed as `version` of `user`. */
  wasCommitted(user: string, version: number, canonical: string): boolean {
    return this.committed.get(user)?.get(version)?.has(canonical) ?? false;
  }
}
