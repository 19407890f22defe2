import {
  canonicalJson,
  canUseSync,
  checksum,
  isPatchPull,
  isPatchPush,
  snapshotFromEntries,
  snapshotSizeProblem,
  type MetaResponse,
  type PullResponse,
  type PushFields,
  type PushRequest,
  type PushResponse,
  type Snapshot,
} from '../contract/index.js';
import { deletedConflict, KEPT_ON_DEVICE, keptOnDeviceRecord } from './cloud-deleted.js';
import { conflictInfo } from './conflict-info.js';
import {
  AuthError,
  ConflictError,
  ForbiddenError,
  isRetryable,
  NetworkError,
  PayloadTooLargeError,
  RequestError,
  ServerError,
  StoppedError,
  SyncError,
  TokenError,
} from './errors.js';
import { localFacts, readLocalView, withCarried, type LocalView } from './local-view.js';
import { MERGE_ROUNDS, mergeWithServer, type MergeDecision, type MergeSteps } from './merge-step.js';
import { patchedPull } from './patch-pull.js';
import type {
  Clock,
  EncodedPush,
  LiveUpdates,
  Platform,
  PlatformEvent,
  RequestOptions,
  StorageAdapter,
  SyncLock,
  SyncTransport,
  TabChannel,
} from './ports.js';
import { smallestPushRequest, type PushBase } from './push-form.js';
import { NO_RETRY, retryAfterFailure, retryWaitMs, type RetrySchedule } from './retry-schedule.js';
import { decideSync, findUnconfirmedPush, hasLocalChanges, isStaleWriteBack } from './sync-decision.js';
import type {
  ConflictChoice,
  LocalBackup,
  ReplaceEvent,
  ReplaceListener,
  ReplaceReason,
  SyncListener,
  SyncManager,
} from './sync-manager.js';
import { NEVER_SYNCED, type Replacement, type SyncRecord, type SyncRecordStore } from './sync-record-store.js';
import type { ConflictReason, SyncErrorInfo, SyncState } from './sync-state.js';
import { initialSyncState, reduceSyncState, type SyncEvent } from './sync-state-reducer.js';

/** Browsers refuse keepalive requests whose bodies (all in flight together) exceed 64 KiB (Fetch standard, "keepalive"). */
export const KEEPALIVE_MAX_BYTES = 65_536;

/** Returns the current token, or null when nobody is signed in. `forceRefresh` follows a 401. */
export type GetToken = (options?: { forceRefresh?: boolean }) => string | null | Promise<string | null>;

/** Everything the engine works through: ports only, no browser globals. */
export interface SyncEngineDeps {
  app: string;
  adapter: StorageAdapter;
  transport: SyncTransport;
  records: SyncRecordStore;
  platform: Platform;
  lock: SyncLock;
  clock: Clock;
  channel: TabChannel;
  /** A number in [0, 1) for backoff jitter. */
  random: () => number;
  /** This page's id, unique among the tabs of the device: the replacements it records name it (DESIGN §7.4). */
  pageId: string;
  getToken: GetToken;
  /** The subscriptions that gate this token (the app's option, else the token's claim). */
  subscriptionsFor: (token: string) => readonly unknown[] | null | Promise<readonly unknown[] | null>;
  /** The account a token signs in (its `sub`). */
  userOf: (token: string) => string;
  deviceId: () => Promise<string>;
  /** This device's name for people, sent with pushes. */
  deviceName: string;
  debounceMs: number;
  /** A request unanswered after this long is abandoned and retried. */
  requestTimeoutMs: number;
  /** What to do after replacing local data while no `onReplace` listener is registered (DESIGN §7.4). */
  withoutReplaceListener: 'reload' | 'defer';
  /** Asks for durable storage at start; null where unsupported. */
  persistStorage?: () => Promise<boolean | null>;
  /** Whether local changes that meet a newer server version merge key by key (DESIGN §9); false: every difference is a whole-data conflict. */
  merge: boolean;
  /** A page the person returns to (visible, or focused after a blur) checks the server at most once this often, per device. */
  returnCheckMs: number;
  /** Announcements of new versions (DESIGN §9), when the app turned them on. */
  live?: LiveUpdates;
}

/**
 * Why a sync runs: `start` and `check` ask the server first (`start` is the first one of a page);
 * `now` is `syncNow()`, a check that also resends a snapshot the server refused; the others push
 * what changed. `hidden` pushes with keepalive when the body fits, so the request outlives a page
 * that is closing; `keepalive` (pagehide) sends only such a request. `return` is the check of a page
 * the person came back to, skipped when this device heard from the server lately. `prepare` sends nothing: it
 * readies the push a closing page sends ({@link PreparedPush}).
 */
type Mode = 'start' | 'check' | 'return' | 'now' | 'push' | 'hidden' | 'keepalive' | 'prepare';

/**
 * A push body made ready while the page is visible, for a hiding page to send as it is: async work
 * started after a page begins to hide (IndexedDB, hashing, compression) often never finishes.
 */
interface PreparedPush {
  encoded: EncodedPush;
  token: string;
  /** The manager run, the number of `notifyChanged()` calls and the base version it was made for: stale once any moves. */
  run: number;
  changes: number;
  version: number;
}
type TimerName = 'debounce' | 'retry';

/** A {@link SyncManager} that can also tell when it has settled. */
export interface SyncEngine extends SyncManager {
  /** Resolves once no sync operation is running or queued (for tests, and before navigating away). */
  idle(): Promise<void>;
  /** Tells the state that the sync record store failed (its bookkeeping is then held in memory). */
  reportLocalStateProblem(error: unknown): void;
}

const infoOf = (error: unknown): SyncErrorInfo =>
  error instanceof SyncError ? { code: error.code, message: error.message } : { code: 'LOCAL', message: String(error) };
const noop = (): void => {};
const isBackground = (mode: Mode): boolean => mode === 'push' || mode === 'hidden' || mode === 'keepalive';
/** A change that may be pushed without asking the server first. */
const isPlainChange = (facts: ReturnType<typeof localFacts>): boolean =>
  facts.lastSyncedChecksum !== null &&
  !facts.otherAccount &&
  !facts.emptied &&
  !facts.staleWriteBack &&
  !facts.carriedDiffers;
const isNotFound = (error: unknown): boolean => error instanceof RequestError && error.code === 'NOT_FOUND';

/** The base of a push at `version` when that is the version this device last synced: its checksum and data. */
const syncedBase = (record: SyncRecord, version: number): PushBase | null =>
  version > 0 && version === record.baseVersion && record.lastSyncedChecksum !== null
    ? { checksum: record.lastSyncedChecksum, ...(record.base && { data: record.base }) }
    : null;

/** The keys whose values differ between two snapshots, sorted. */
function changedKeys(before: Snapshot, after: Snapshot): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((key) => before[key] !== after[key] || Object.hasOwn(before, key) !== Object.hasOwn(after, key))
    .sort();
}

/**
 * A replacement recorded over one that some page has not re-read yet: both stay guarded. A key
 * in both keeps the value the older replacement removed (what such a page still holds).
 */
function stacked(previous: Replacement | undefined, next: Replacement): Replacement {
  if (!previous || previous.acknowledged) return next;
  const older = previous.keys.filter((key) => !next.keys.includes(key));
  return {
    ...next,
    removedOwner: previous.removedOwner ?? next.removedOwner,
    keys: [...older, ...next.keys].sort(),
    removed: snapshotFromEntries([
      ...Object.entries(next.removed).filter(([key]) => !previous.keys.includes(key)),
      ...Object.entries(pick(previous.removed, previous.keys)),
    ]),
    applied: snapshotFromEntries([...Object.entries(pick(previous.applied, older)), ...Object.entries(next.applied)]),
  };
}

/**
 * The keys a view's data carries (in it, not in the store as the view read it): the carried keys of
 * a version synced with that data. Read from the view, not the store: a key the app removed since
 * is a deletion to push next, not a key to carry.
 */
const carriedOf = (view: LocalView): string[] =>
  Object.keys(view.data).filter((key) => !Object.hasOwn(view.local, key));

const pick = (data: Snapshot, keys: readonly string[]): Snapshot =>
  snapshotFromEntries(keys.filter((key) => Object.hasOwn(data, key)).map((key) => [key, data[key]!]));

/**
 * The sync manager's core: the start check, debounced and event-driven pushes, pulls, conflicts and
 * their resolution, restores, retries, gating and tab coordination, over the ports in
 * {@link SyncEngineDeps}. Every operation runs inside the app's lock, reads the signed-in account's
 * record there ({@link LocalView}), decides with the pure {@link decideSync}, and writes through
 * guards that turn into no-ops once `stop()` ran. State changes only through {@link reduceSyncState}.
 */
export function createSyncEngine(deps: SyncEngineDeps): SyncEngine {
  const { app, adapter, transport, records, platform, clock, channel } = deps;
  const listeners = new Set<SyncListener>();
  const replaceListeners = new Set<ReplaceListener>();
  const timers: Partial<Record<TimerName, unknown>> = {};
  /** Modes waiting to run, each with the run that queued it: one queued before `stop()` does not stand for one after. */
  const queued = new Map<Mode, number>();
  const { pageId: page } = deps;
  let state = initialSyncState(platform.isOnline());
  let started = false;
  let run = 0;
  let stopping = new AbortController();
  let unlisten: (() => void)[] = [];
  let stopLive = noop;
  let retry: RetrySchedule = NO_RETRY;
  /** Requests the server answered so far: a sync that got none does not end the backoff. */
  let answered = 0;
  let tail: Promise<unknown> = Promise.resolve();
  let deviceId: Promise<string> | undefined;
  let lastUser: string | null = null;
  let replacements = 0;
  /** Replacements this page has told its app about (its own, and other tabs'). */
  const told = new Set<string>();
  /**
   * Replacements this page's app has read: the one in the record when the page first read it (the
   * app renders after that), and those its listeners re-read. Only these may it acknowledge.
   */
  const reread = new Set<string>();
  let firstRead = true;
  let prepared: PreparedPush | null = null;
  /** `notifyChanged()` calls so far: a prepared push made before the latest one is stale. */
  let changes = 0;
  /** Versions this page recorded as synced so far: a user's action that recorded one took effect even if a later step fails. */
  let commits = 0;
  /** Whether the page was hidden or blurred since it last checked; and when this page last checked on a return. */
  let away = false;
  let returnCheckedAt = 0;

  const publish = (event: SyncEvent): void => {
    const next = reduceSyncState(state, event);
    if (next === state) return;
    state = next;
    for (const listener of listeners) listener(next);
  };
  /** Publishes `event` unless the operation behind `view` belongs to a stopped run. */
  const dispatch = (event: SyncEvent, view?: { run: number }): void => {
    if (!view || view.run === run) publish(event);
  };
  /** Throws once the run of `view` was stopped: nothing after `stop()` writes anything. */
  const guard = (view: { run: number }): void => {
    if (view.run !== run) throw new StoppedError('LOCAL', 'Sync was stopped');
  };

  const nowIso = (): string => new Date(clock.now()).toISOString();

  const clearTimer = (name: TimerName): void => {
    clock.clearTimeout(timers[name]);
    delete timers[name];
  };

  /** (Re)starts timer `name`: one of each kind at a time. */
  const setTimer = (name: TimerName, ms: number, mode: Mode): void => {
    clearTimer(name);
    if (!started) return;
    timers[name] = clock.setTimeout(() => {
      delete timers[name];
      void sync(mode);
    }, ms);
  };

  const idle = async (): Promise<void> => {
    let seen: Promise<unknown>;
    do await (seen = tail);
    while (seen !== tail);
  };

  /** Runs `task` after every queued operation, inside the app's lock (shared with other tabs). */
  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const result = tail.then(() => deps.lock.run(`taco-sync:${app}`, task));
    tail = result.then(noop, noop);
    return result;
  };

  /** Queues a background sync; a mode already waiting is not queued twice (it will see the latest data). */
  const sync = (mode: Mode): Promise<void> => {
    if (queued.get(mode) === run) return idle();
    const at = run;
    queued.set(mode, at);
    const task = exclusive(async () => {
      if (queued.get(mode) === at) queued.delete(mode);
      const answers = answered;
      if (started && at === run) await syncLocked(mode, at);
      if (answered > answers) retry = NO_RETRY;
    });
    // Preparing is best effort: the push it readies is made anyway when it is due.
    return task.catch((error: unknown) => (mode === 'prepare' ? undefined : fail(error, mode, at)));
  };

  // ---- effects: each checks that its run is still live ----

  const save = async (view: LocalView, record: SyncRecord): Promise<SyncRecord> => {
    guard(view);
    await records.setRecord(app, view.user, record);
    channel.post();
    return (view.record = record);
  };

  /** Records a version as synced by this account: its number, checksum and data (the new base), and the last replacement if any. */
  const commit = async (
    view: LocalView,
    synced: Pick<SyncRecord, 'baseVersion' | 'lastSyncedChecksum' | 'base' | 'replaced'> & { pendingSince?: string },
    carriedKeys?: string[],
  ): Promise<void> => {
    // What the store does not hold of the new base is carried, whichever release reads it next.
    const held = await adapter.collect();
    const carried = carriedKeys ?? Object.keys(synced.base ?? {}).filter((key) => !Object.hasOwn(held, key));
    // Unless another account claimed the data meanwhile (it edited after this sync read the store).
    const claims = view.owner !== view.user && (await records.getOwner(app)) === view.owner;
    const foreign = await foreignAfter(view, claims && view.owner !== null, held, synced);
    const record = await save(view, {
      pendingSince: null,
      ...synced,
      ...(carried.length && { carried }),
      ...(foreign && { foreign }),
      lastSyncedAt: nowIso(),
    });
    commits++;
    if (claims) {
      // The save above waited for IndexedDB: a page stopped meanwhile claims nothing (§7.6, sim seed 1796695137).
      guard(view);
      await records.setOwner(app, (view.owner = view.user));
    }
    dispatch({ type: 'settled', record }, view);
  };

  /**
   * The previous owner's values the store may still come to hold once this account takes the data
   * over: those of keys this release cannot see, and those of keys it owns that the store no longer
   * held and no replacement removed (the app emptied it: another tab may save its old copy back).
   * An entry stays until the account syncs that value, or the store holds another one for the key.
   */
  const foreignAfter = async (
    view: LocalView,
    takesOver: boolean,
    held: Snapshot,
    { base = {}, replaced }: Pick<SyncRecord, 'base' | 'replaced'>,
  ): Promise<SyncRecord['foreign']> => {
    const { foreign } = view.record;
    const before = takesOver
      ? {
          owner: view.owner!,
          data: {
            ...(await records.getRecord(app, view.owner!)).base,
            ...(foreign?.owner === view.owner && foreign.data),
          },
        }
      : foreign;
    const emptied = (key: string, value: string): boolean =>
      base[key] !== value && !replaced?.keys.includes(key) && (!Object.hasOwn(held, key) || held[key] === value);
    const kept = Object.entries(before?.data ?? {}).filter(([key, value]) => !adapter.owns(key) || emptied(key, value));
    return kept.length ? { owner: before!.owner, data: snapshotFromEntries(kept) } : undefined;
  };

  /**
   * Backs `data` up for its owners: values an app wrote back from a stale copy of another account's
   * data (what a replacement removed from that account, or what that account last synced here) go
   * to that account's backups.
   */
  const backup = async (view: LocalView, data: Snapshot, reason: ReplaceReason): Promise<void> => {
    // The replacement and the foreign values the store reflects are in the record of the account that owns the data.
    const ownerRecord = view.owner && view.owner !== view.user ? await records.getRecord(app, view.owner) : view.record;
    const { removedOwner, removed = {} } = ownerRecord.replaced ?? {};
    // A page may hold a copy older than the removed values: the account's data before others typed over it.
    const { base: synced = {} } = removedOwner ? await records.getRecord(app, removedOwner) : {};
    const { owner: foreignOwner, data: foreign = {} } = ownerRecord.foreign ?? {};
    const parts = new Map<string, [string, string][]>();
    for (const [key, value] of Object.entries(data)) {
      const owner =
        removedOwner && (removed[key] === value || synced[key] === value)
          ? removedOwner
          : foreignOwner && foreign[key] === value
            ? foreignOwner
            : (view.owner ?? view.user);
      parts.set(owner, [...(parts.get(owner) ?? []), [key, value]]);
    }
    for (const [owner, entries] of parts) {
      guard(view);
      const part = snapshotFromEntries(entries);
      const createdAt = nowIso();
      const sum = await checksum(part);
      guard(view);
      await records.addBackup({
        id: `${createdAt}-${sum.slice(0, 8)}`,
        app,
        createdAt,
        reason,
        owner,
        baseVersion: view.record.baseVersion,
        checksum: sum,
        data: part,
      });
    }
  };

  // ---- requests ----

  const myDeviceId = (): Promise<string> => (deviceId ??= deps.deviceId());

  /**
   * Every push body, made here (DESIGN §8): the fields each carries (`baseChecksum` when the base is
   * known), the smallest form of `data` at `version` ({@link smallestPushRequest}) encoded for the
   * wire, and the full form a refused patch falls back to.
   */
  const pushBody = async (data: Snapshot, sum: string, version: number, base: PushBase | null) => {
    const fields: PushFields = {
      version,
      checksum: sum,
      ...(base && { baseChecksum: base.checksum }),
      deviceId: await myDeviceId(),
      timestamp: nowIso(),
      deviceName: deps.deviceName,
    };
    return {
      encoded: await transport.encodePush(smallestPushRequest(data, fields, base)),
      full: (): PushRequest => ({ ...fields, data }),
    };
  };

  const readMeta = (view: { token: string }): Promise<MetaResponse> =>
    timed((options) => transport.meta(view.token, options));

  /** The token, and whether it allows this app (when not, the state becomes `disabled`). A throwing `getToken` is retried. */
  const authorize = async (forceRefresh?: boolean): Promise<{ token: string | null; allowed: boolean }> => {
    let token: string | null;
    try {
      token = await deps.getToken(forceRefresh ? { forceRefresh } : undefined);
    } catch (error) {
      throw new TokenError('AUTH', `Could not get a sign-in token: ${String(error)}`);
    }
    const access =
      token === null
        ? { allowed: false, reason: 'Not signed in' }
        : canUseSync(app, await deps.subscriptionsFor(token));
    if (!access.allowed) dispatch({ type: 'enter', status: 'disabled', disabledReason: access.reason ?? '' });
    return { token, allowed: access.allowed };
  };

  /** The token when it allows this app, else null (and the state `disabled`). */
  const allowedToken = async (forceRefresh?: boolean): Promise<string | null> => {
    const { token, allowed } = await authorize(forceRefresh);
    return allowed ? token : null;
  };

  /**
   * The signed-in account's view of this device, with its pending changes noted; null when sync is
   * gated (changes are then noted for the account whose data the store holds, and stay pending).
   */
  const begin = async (at: number, localOnly = false): Promise<LocalView | null> => {
    const { token, allowed } = await authorize();
    const user = token === null ? await records.getOwner(app) : (lastUser = deps.userOf(token));
    if (user === null) {
      if (Object.keys(await adapter.collect()).length)
        dispatch({ type: 'changed', at: state.pendingSince ?? nowIso() });
      return null;
    }
    const view = await readLocalView(app, deps, { run: at, token: token ?? '', user });
    guard(view);
    await notePending(view);
    // Local-only work (restoring a local backup) needs a signed-in account, not a subscription.
    return allowed || (localOnly && token !== null) ? view : null;
  };

  /** Keeps `pendingSince` in the record (when local changes were first seen) and acknowledges an earlier page's intact replacement. */
  const notePending = async (view: LocalView): Promise<void> => {
    const facts = localFacts(view, adapter.owns);
    const pendingSince = hasLocalChanges(facts) ? (view.record.pendingSince ?? nowIso()) : null;
    const { replaced } = view.record;
    if (firstRead && replaced) {
      reread.add(replaced.id);
      told.add(replaced.id);
    }
    firstRead = false;
    // A replacement made by an earlier page whose keys are intact: the page reload was the app's
    // re-read. Only a page that read its data after the replacement can say so: one that was
    // already open holds an old copy itself.
    const acknowledged =
      replaced && !replaced.acknowledged && replaced.page !== page && reread.has(replaced.id) && !facts.staleWriteBack
        ? { ...replaced, acknowledged: true }
        : replaced;
    if (pendingSince !== view.record.pendingSince || acknowledged !== replaced)
      await save(view, { ...view.record, pendingSince, ...(acknowledged && { replaced: acknowledged }) });
    // Changes first seen while this account is signed in are its data, synced or not: another
    // account signing in later meets them as `other-account` (DESIGN §7.1).
    if (pendingSince !== null && view.owner === null) {
      // The save above waited for IndexedDB: a page stopped meanwhile writes nothing more (§7.6, sim seed 6190 of 5000+).
      guard(view);
      await records.setOwner(app, (view.owner = view.user));
    }
    dispatch({ type: 'record', record: view.record }, view);
  };

  /** One request, abandoned after the timeout (a retryable `NetworkError`) or when the manager stops. */
  const timed = <T>(call: (options: RequestOptions) => Promise<T>): Promise<T> => {
    const abort = new AbortController();
    const stopped = stopping.signal;
    return new Promise<T>((resolve, reject) => {
      const fail = (error: SyncError): void => {
        abort.abort(error);
        reject(error);
      };
      const onStop = (): void => fail(new StoppedError('LOCAL', 'Sync was stopped'));
      if (stopped.aborted) return onStop();
      stopped.addEventListener('abort', onStop);
      const timer = clock.setTimeout(
        () => fail(new NetworkError('NETWORK', `No answer within ${deps.requestTimeoutMs / 1000} s`)),
        deps.requestTimeoutMs,
      );
      call({ signal: abort.signal })
        .then((answer) => {
          answered++;
          resolve(answer);
        }, reject)
        .finally(() => {
          clock.clearTimeout(timer);
          stopped.removeEventListener('abort', onStop);
        });
    });
  };

  /** Makes one request; a 401 gets one fresh token (`getToken({ forceRefresh: true })`) and one more try. */
  const request = async <T>(
    view: LocalView,
    call: (token: string, options: RequestOptions) => Promise<T>,
  ): Promise<T> => {
    try {
      return await timed((options) => call(view.token, options));
    } catch (error) {
      if (!(error instanceof AuthError) || view.refreshed) throw error;
      view.refreshed = true;
      const token = await allowedToken(true);
      // Signed out (or the subscription is gone) meanwhile: `authorize` already disabled sync,
      // and a ForbiddenError keeps it there, with changes pending, instead of an error state.
      if (token === null) throw new ForbiddenError('FORBIDDEN', state.disabledReason ?? 'Not signed in');
      if (deps.userOf(token) !== view.user) throw new TokenError('AUTH', 'Another account signed in meanwhile');
      view.token = token;
      return await timed((options) => call(token, options));
    }
  };

  /**
   * The server's current data, checked against its checksum (a mismatch is retried, never applied); null when nothing is stored.
   * A device that holds its base asks for the changes since it (DESIGN §9); a patch that does not lead from that base to the
   * current checksum gets one full pull instead.
   */
  const pullVerified = async (view: LocalView): Promise<PullResponse | null> => {
    try {
      const pull = (since?: number) => request(view, (token, options) => transport.pull(token, { ...options, since }));
      const pulled = await pull((view.record.base && view.record.baseVersion) || undefined);
      if (!isPatchPull(pulled)) return await verified(pulled);
      return (await patchedPull(pulled, view.record)) ?? (await verified((await pull()) as PullResponse));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  };

  const verified = async <T extends { data: Snapshot; meta: { checksum: string } }>(answer: T): Promise<T> => {
    if ((await checksum(answer.data)) !== answer.meta.checksum)
      throw new ServerError('INTERNAL', 'The data received does not match its checksum', 0, null);
    return answer;
  };

  // ---- operations ----

  /** Any sync: decide from the local view alone when that is enough, else ask the server ({@link check}). */
  const syncLocked = async (mode: Mode, at: number): Promise<void> => {
    const changesSeen = changes;
    const view = await begin(at);
    if (!view) return;
    const facts = localFacts(view, adapter.owns);
    const changed = hasLocalChanges(facts);
    if (mode === 'prepare')
      return changed && isPlainChange(facts) && state.status !== 'conflict'
        ? prepareLeaving(view, changesSeen)
        : undefined;
    // The person kept this device's data after the cloud copy was deleted: only Sync now asks again (DESIGN §10).
    if (facts.keptOnDevice && mode !== 'now') return dispatch(KEPT_ON_DEVICE, view);
    if (!platform.isOnline()) return dispatch({ type: 'connectivity', online: false }, view);
    // Another tab of this device (or this one) heard from the server lately: nothing to check on a return.
    if (mode === 'return' && clock.now() - Date.parse(view.record.lastSyncedAt ?? '') < deps.returnCheckMs) return;
    // After the server refused, nothing is sent before the retry it set, whatever asked for it.
    const waitMs = retryWaitMs(retry, clock.now());
    if (waitMs > 0) return 'retry' in timers ? undefined : retryIn(waitMs, isBackground(mode) ? 'push' : 'check', at);
    if (!isBackground(mode)) return check(view, mode);
    if (state.status === 'conflict') return;
    if (!changed) return dispatch({ type: 'settled', record: view.record }, view);
    return isPlainChange(facts)
      ? push(view, view.record.baseVersion, mode, syncedBase(view.record, view.record.baseVersion))
      : check(view, mode);
  };

  /**
   * Readies the push a closing page sends (see {@link sendPrepared}) when it fits a keepalive
   * request, and notes it as possibly sent now: its answer will never be seen.
   */
  const prepareLeaving = async (view: LocalView, changesSeen: number): Promise<void> => {
    const { record, sum } = view;
    const version = record.baseVersion;
    if (record.refused?.checksum === sum) return;
    const base = syncedBase(record, version);
    const { encoded } = await pushBody(view.data, sum, version, base);
    if (encoded.bytes > KEEPALIVE_MAX_BYTES) return;
    // Ready before the note is written: the page may begin to hide meanwhile. Without the note the
    // next start still adopts that version (it holds this very data) unless the app wrote since.
    prepared = { encoded, token: view.token, run: view.run, changes: changesSeen, version };
    const unconfirmed = record.unconfirmed ?? [];
    if (!unconfirmed.some((sent) => sent.version === version && sent.checksum === sum))
      await save(view, { ...record, unconfirmed: [...unconfirmed.slice(-3), { version, checksum: sum }] });
  };

  /**
   * When the page hides (visibilitychange to hidden, or pagehide, whichever comes first): sends the
   * prepared push at once with keepalive, if it still holds the latest change and the version it
   * builds on. Returns whether it did. If the page lives on (a tab switch, the back/forward cache),
   * a check after the answer adopts the version it made. Sending at the first of the two matters in
   * Firefox: a keepalive fetch started in the pagehide of a closing tab was lost in 1 to 3 of 10
   * closes (ESR 153), one started at visibilitychange in none of 10.
   */
  const sendPrepared = (): boolean => {
    const ready = prepared;
    prepared = null;
    if (
      !ready ||
      ready.run !== run ||
      ready.changes !== changes ||
      ready.version !== state.version ||
      state.status === 'conflict' ||
      retryWaitMs(retry, clock.now()) > 0
    )
      return false;
    const settle = (): void => void sync('check');
    transport.push(ready.encoded, ready.token, { keepalive: true }).then(settle, settle);
    return true;
  };

  /** The start check (DESIGN §6): one meta request, then adopt, push, pull or a conflict. `rejected` follows a 409. */
  const check = async (view: LocalView, mode: Mode, rejected = false): Promise<void> => {
    dispatch({ type: 'syncing' }, view);
    const meta = await request(view, (token, options) => transport.meta(token, options));
    if (meta.meta && meta.meta.checksum !== view.sum)
      await adoptLostPush(view, meta.versions?.length ? meta.versions : [meta.meta]);
    const deleted = meta.exists ? null : meta.deleted;
    const decision = decideSync({ ...localFacts(view, adapter.owns), server: meta.meta, deleted });
    if (decision.action === 'adopt')
      return commit(
        view,
        {
          baseVersion: decision.version,
          lastSyncedChecksum: decision.checksum,
          base: view.data,
          replaced: view.record.replaced,
        },
        carriedOf(view),
      );
    if (decision.action === 'push')
      return push(view, decision.version, mode, syncedBase(view.record, decision.version), rejected);
    if (decision.action === 'pull') return pull(view, mode);
    const reason = rejected && decision.reason === 'server-newer' ? 'push-rejected' : decision.reason;
    if (deleted)
      return dispatch(
        { type: 'enter', status: 'conflict', conflict: deletedConflict(view, deps.deviceName, deleted, reason) },
        view,
      );
    // Carried-key differences are whole-data conflicts: no sync saw those values (DESIGN §7.3).
    if (deps.merge && decision.reason === 'server-newer' && !localFacts(view, adapter.owns).carriedDiffers)
      return merge(view, mode, reason);
    return raiseConflict(view, reason);
  };

  /**
   * A push of this device whose answer was lost may sit anywhere in the kept history (another
   * device may have built on it): move the base there, so the decision sees this device's own data.
   */
  const adoptLostPush = async (view: LocalView, kept: Parameters<typeof findUnconfirmedPush>[1]): Promise<void> => {
    const found = findUnconfirmedPush(view.record, kept, await myDeviceId());
    if (!found) return;
    const base =
      found.sent.checksum === view.sum
        ? view.data
        : (await verified(await request(view, (t, o) => transport.history(found.kept.version, t, o)))).data;
    await save(view, {
      ...view.record,
      baseVersion: found.kept.version,
      lastSyncedChecksum: found.sent.checksum,
      base,
      unconfirmed: [],
    });
    view.data = withCarried(view.local, base, adapter.owns, view.record.carried);
    view.sum = await checksum(view.data);
  };

  /**
   * Sends the view's data, compare-and-swap on `version` (and on `base`'s checksum when known), as
   * a patch against `base` when that is smaller. A 409 asks the server again once; a non-retryable
   * 4xx marks the snapshot refused.
   */
  const push = async (
    view: LocalView,
    version: number,
    mode: Mode,
    base: PushBase | null,
    retried = false,
  ): Promise<void> => {
    const { record, sum } = view;
    if (mode !== 'now' && record.refused?.checksum === sum)
      return dispatch({ type: 'enter', status: 'error', error: record.refused }, view);
    // What the Worker would refuse (DESIGN §11) is not sent: the person reads why at once.
    const tooLarge = snapshotSizeProblem(view.data);
    if (tooLarge !== null) throw new PayloadTooLargeError('PAYLOAD_TOO_LARGE', tooLarge);
    const { encoded, full } = await pushBody(view.data, sum, version, base);
    const keepalive = (mode === 'hidden' || mode === 'keepalive') && encoded.bytes <= KEEPALIVE_MAX_BYTES;
    // On pagehide a body over the keepalive limit would be cut off with the page; it stays pending for the next start.
    if (mode === 'keepalive' && !keepalive) return dispatch({ type: 'settled', record }, view);
    dispatch({ type: 'syncing' }, view);
    // Remembered before the answer, which a closing page or a dropped network may never see; best
    // effort: only telling a lost answer from another device's push depends on it.
    const remembered = save(view, {
      ...record,
      unconfirmed: [...(record.unconfirmed ?? []).slice(-3), { version, checksum: sum }],
    }).catch(noop);
    let pushed;
    try {
      pushed = await sendPush(view, encoded, keepalive, full);
    } catch (error) {
      await remembered;
      if (error instanceof ConflictError) {
        // With merging on, a push that lost a race again asks (and merges) again, as often as a merge may.
        const again = !retried || (deps.merge && (view.merges = (view.merges ?? 0) + 1) <= MERGE_ROUNDS);
        return again ? check(view, mode, true) : raiseConflict(view, 'push-rejected');
      }
      if (error instanceof RequestError)
        await save(view, { ...view.record, refused: { checksum: sum, code: error.code, message: error.message } });
      throw error;
    }
    await remembered;
    const changedSince =
      (await checksum(withCarried(await adapter.collect(), view.data, adapter.owns, record.carried))) !== sum;
    // A replacement some open page has not re-read yet stays guarded after this push (DESIGN §7.4).
    const replaced = record.replaced && !record.replaced.acknowledged ? { replaced: record.replaced } : {};
    // Carried are the keys the push carried: one the app removed while the push was in flight is a deletion to push next.
    await commit(
      view,
      {
        baseVersion: pushed.version,
        lastSyncedChecksum: sum,
        base: view.data,
        ...replaced,
        ...(changedSince && { pendingSince: record.pendingSince ?? nowIso() }),
      },
      carriedOf(view),
    );
    if (changedSince) setTimer('debounce', deps.debounceMs, 'push');
  };

  /** Sends an encoded push; a patch the server cannot apply (`PATCH_REJECTED`) is sent again at once as the full data. */
  const sendPush = async (
    view: LocalView,
    encoded: EncodedPush,
    keepalive: boolean,
    full: () => PushRequest,
  ): Promise<PushResponse> => {
    try {
      return await request(view, (token, options) => transport.push(encoded, token, { ...options, keepalive }));
    } catch (error) {
      if (!(error instanceof RequestError && error.code === 'PATCH_REJECTED' && isPatchPush(encoded.request)))
        throw error;
      const whole = await transport.encodePush(full());
      return request(view, (token, options) =>
        transport.push(whole, token, { ...options, keepalive: keepalive && whole.bytes <= KEEPALIVE_MAX_BYTES }),
      );
    }
  };

  /** Takes the server's data: applied at once when the app can re-read it, else left for the next start (`defer`). */
  const pull = async (view: LocalView, mode: Mode): Promise<void> => {
    const server = await pullVerified(view);
    if (!server) return check(view, mode);
    if (deps.withoutReplaceListener === 'defer' && !replaceListeners.size && mode !== 'start') {
      dispatch({ type: 'settled', record: view.record }, view);
      return dispatch({ type: 'reload', reason: 'newer-data' }, view);
    }
    const replaced = await replaceLocal(view, 'pull', server.data);
    // The app wrote since the view was read: that edit is never overwritten (merged, or a conflict).
    if (!replaced)
      return deps.merge
        ? check(await readLocalView(app, deps, view), mode)
        : raiseConflict(await readLocalView(app, deps, view), 'server-newer', server);
    await commit(view, {
      baseVersion: server.meta.version,
      lastSyncedChecksum: server.meta.checksum,
      base: server.data,
      replaced,
    });
    await announce(view, replaced, mode);
  };

  /**
   * The one place a conflict is raised: pulls the server's side to show both. Equal data is no
   * conflict at all; it is adopted.
   */
  const raiseConflict = async (
    view: LocalView,
    reason: ConflictReason,
    pulled?: PullResponse | null,
    collisions?: string[],
  ): Promise<void> => {
    const server = pulled === undefined ? await pullVerified(view) : pulled;
    if (server?.meta.checksum === view.sum)
      return commit(
        view,
        {
          baseVersion: server.meta.version,
          lastSyncedChecksum: view.sum,
          base: view.data,
          replaced: view.record.replaced,
        },
        carriedOf(view),
      );
    // What the store holds of another account's is that account's, synced or not: if the app empties
    // the store and an old copy in memory saves it back, it still meets this account as other-account
    // (sim seeds 1796692861, 1796801203: values typed for an account that never synced them). The
    // first value seen per key is that account's; one typed since may be this account's own edit.
    const { owner, record } = view;
    const held = record.foreign?.owner === owner ? record.foreign.data : {};
    if (owner && owner !== view.user && Object.keys(view.local).some((key) => !Object.hasOwn(held, key)))
      await save(view, { ...record, foreign: { owner, data: { ...view.local, ...held } } });
    const local = {
      data: view.data,
      modifiedAt: record.pendingSince ?? record.lastSyncedAt,
      deviceName: deps.deviceName,
    };
    const conflict = conflictInfo({
      reason,
      baseVersion: record.baseVersion,
      local,
      server: server && { record: server.meta, data: server.data },
      collisions,
    });
    dispatch({ type: 'enter', status: 'conflict', conflict }, view);
  };

  /**
   * Merges local changes with a newer server version key by key (DESIGN §9); `decision` is a
   * person's choice on a key-level conflict. Like a pull, a merge with no collision waits for the
   * next start when the app cannot re-read replaced data now (`defer` without an `onReplace` listener).
   */
  const merge = (view: LocalView, mode: Mode, reason: ConflictReason, decision?: MergeDecision): Promise<void> => {
    const steps: MergeSteps = {
      pull: pullVerified,
      replace: replaceLocal,
      rebase: (v, server, merged, replaced) => rebase(v, mode, server, merged, replaced),
      conflict: raiseConflict,
      // The app wrote while the merge ran: its edit is merged too, or decided by a person.
      again: async (v, keepDecision) => {
        const next = await readLocalView(app, deps, v);
        return keepDecision && decision && isPlainChange(localFacts(next, adapter.owns))
          ? merge(next, mode, reason, decision)
          : check(next, mode);
      },
      postpone: (v) => {
        if (deps.withoutReplaceListener !== 'defer' || replaceListeners.size || mode === 'start') return false;
        dispatch({ type: 'settled', record: v.record }, v);
        dispatch({ type: 'reload', reason: 'newer-data' }, v);
        return true;
      },
    };
    return mergeWithServer(view, reason, steps, decision);
  };

  /**
   * After a merge: records the server version it merged with as synced, the merged data held
   * locally as its pending changes; tells the app; then pushes them, compare-and-swap on that
   * version (a patch against its data). A 409 merges again ({@link check}).
   */
  const rebase = async (
    view: LocalView,
    mode: Mode,
    server: PullResponse,
    merged: Snapshot,
    replaced: Replacement,
  ): Promise<void> => {
    const pending = (await checksum(merged)) !== server.meta.checksum;
    // Carried: the merged keys this release does not own (a key the merge removed is a deletion).
    const carried = Object.keys(merged).filter((key) => !adapter.owns(key));
    await commit(
      view,
      {
        baseVersion: server.meta.version,
        lastSyncedChecksum: server.meta.checksum,
        base: server.data,
        replaced,
        ...(pending && { pendingSince: view.record.pendingSince ?? nowIso() }),
      },
      carried,
    );
    await announce(view, replaced, mode);
    const next = await readLocalView(app, deps, view);
    const facts = localFacts(next, adapter.owns);
    if (!hasLocalChanges(facts)) return;
    return isPlainChange(facts)
      ? push(next, server.meta.version, mode, syncedBase(next.record, server.meta.version))
      : check(next, mode);
  };

  /**
   * Backs up the local data, then replaces the adapter's keys with `data`; an edit made during the
   * backup is backed up as well. A pull backs up only when it deletes keys (the rest is in server
   * history). Returns what was replaced, or null for a pull that met an edit.
   */
  const replaceLocal = async (view: LocalView, reason: ReplaceReason, data: Snapshot): Promise<Replacement | null> => {
    // Another account may have signed in while the server answered: this account's data never
    // reaches its view (the retry then syncs as the account signed in now).
    if ((await currentUser()) !== view.user) throw new TokenError('AUTH', 'Another account signed in meanwhile');
    const owned = snapshotFromEntries(Object.entries(data).filter(([key]) => adapter.owns(key)));
    for (;;) {
      const before = await adapter.collect();
      if (reason === 'pull' && canonicalJson(before) !== canonicalJson(view.local)) return null;
      // A pull backs up only what it deletes (the rest is in server history); an empty store needs no backup.
      const deletes = Object.keys(before).some((key) => !Object.hasOwn(owned, key));
      if (reason === 'pull' ? deletes : Object.keys(before).length) await backup(view, before, reason);
      // Nothing but microtasks runs between this comparison and the write, so no edit of the app
      // falls in between (with an adapter whose `collect` and `apply` are synchronous, as localStorage's).
      if (canonicalJson(await adapter.collect()) !== canonicalJson(before)) continue;
      guard(view);
      await adapter.apply(owned);
      const keys = changedKeys(before, owned);
      const removedOwner = view.owner !== null && view.owner !== view.user ? view.owner : undefined;
      return stacked(view.record.replaced, {
        id: `${page}-${++replacements}`,
        reason,
        keys,
        removed: pick(before, keys),
        removedOwner,
        applied: pick(owned, keys),
        page,
        acknowledged: false,
      });
    }
  };

  /**
   * Tells the app that local data was replaced (DESIGN §7.4): its `onReplace` listeners re-read and so
   * acknowledge the replacement. Without one, the page reloads (`reload`), or, with `defer`, a
   * replacement at start counts as read (the app renders after `await start()`) and a later one
   * asks for a reload in the state. Until acknowledged, a save of the replaced keys is a conflict.
   */
  const announce = async (view: LocalView, replaced: Replacement, mode: Mode): Promise<void> => {
    told.add(replaced.id);
    if (!replaced.keys.length) return;
    let acknowledged = mode === 'start' && deps.withoutReplaceListener === 'defer';
    if (replaceListeners.size) {
      acknowledged = await tellListeners(replaced);
    } else if (deps.withoutReplaceListener === 'reload') {
      guard(view);
      return platform.reload();
    } else if (!acknowledged) {
      dispatch({ type: 'reload', reason: 'replaced' }, view);
    }
    if (acknowledged && view.record.replaced === replaced)
      await save(view, { ...view.record, replaced: { ...replaced, acknowledged } });
  };

  /** Calls every `onReplace` listener; true when all of them ran without throwing (the app re-read). */
  const tellListeners = ({ keys, reason }: Replacement): Promise<boolean> => {
    const event: ReplaceEvent = { keys, reason };
    return Promise.all([...replaceListeners].map(async (listener) => listener(event))).then(
      () => true,
      () => false,
    );
  };

  /**
   * Another tab of this device replaced local data: this page's app holds the old copy too. Its
   * listeners re-read; without one the page reloads, or (`defer`) the replacement counts as not
   * acknowledged, so a save from the old copy conflicts.
   */
  const replacedElsewhere = async (replaced: Replacement, at: number): Promise<void> => {
    told.add(replaced.id);
    if (!replaced.keys.length) return;
    if (replaceListeners.size) return void ((await tellListeners(replaced)) && reread.add(replaced.id));
    const withdrawn = withdraw(replaced.id, at);
    // Reloads at once: waiting for the lock first left the app saving from its old copy meanwhile,
    // while a new tab acknowledged the replacement and pushed it away (sim seed 1796658391).
    if (deps.withoutReplaceListener === 'reload') {
      // The page is going away: a withdrawal that fails (stopped, storage blocked) has nobody to tell.
      withdrawn.catch(noop);
      return platform.reload();
    }
    await withdrawn;
    if (at === run) dispatch({ type: 'reload', reason: 'replaced' }, { run: at });
  };

  /**
   * Until this page's app re-reads, a save from its old copy must read as a stale write-back,
   * whoever acknowledged the replacement: with `defer` the page that replaced the data counts its
   * start as read, and with `reload` that page's reload comes before this one's.
   */
  const withdraw = (id: string, at: number, mine?: Replacement): Promise<void> =>
    exclusive(async () => {
      const record = await records.getRecord(app, lastUser!);
      const { replaced } = record;
      if (at !== run) return;
      let next: Replacement | undefined;
      if (replaced?.id === id) next = replaced.acknowledged ? replaced : undefined;
      else if (mine) {
        // This page's own replacement, gone: the page that acknowledged it went on in the same sync
        // to replace again or commit (sim seed 1796693862). It comes back over what the SDK wrote since.
        const again = { ...mine, applied: pick(record.base ?? {}, mine.keys), acknowledged: false };
        next = replaced ? stacked(again, replaced) : again;
      }
      if (next) await records.setRecord(app, lastUser!, { ...record, replaced: { ...next, acknowledged: false } });
    });

  const fail = (error: unknown, mode: Mode, at: number): void => {
    if (!started || at !== run || error instanceof StoppedError) return;
    if (error instanceof ForbiddenError)
      return dispatch({ type: 'enter', status: 'disabled', disabledReason: error.message });
    if (!isRetryable(error)) return dispatch({ type: 'enter', status: 'error', error: infoOf(error) });
    retry = retryAfterFailure(retry, error, clock.now(), deps.random);
    if (error instanceof NetworkError && !platform.isOnline()) return dispatch({ type: 'connectivity', online: false });
    retryIn(retry.retryAtMs - clock.now(), isBackground(mode) ? 'push' : 'check', at, infoOf(error));
  };

  /** Runs `mode` as the retry in `waitMs`, `pending` until then, unless the run `at` was stopped. */
  const retryIn = (waitMs: number, mode: Mode, at: number, error = state.error): void => {
    if (at !== run) return;
    setTimer('retry', waitMs, mode);
    dispatch({ type: 'enter', status: 'pending', error, nextRetryAt: new Date(clock.now() + waitMs).toISOString() });
  };

  /**
   * Runs a user's action in the lock; on failure the state goes back to what it was (with the error)
   * and the promise rejects. An action that already recorded a version (a resolution that merged,
   * then lost its push) took effect: what is left is an ordinary sync, retried like one.
   */
  const userAction = async (task: (view: LocalView) => Promise<void>, localOnly = false): Promise<void> => {
    let previous = state;
    const at = run;
    let committed = commits;
    try {
      await exclusive(async () => {
        // On failure the state goes back to what this action found, not to what it was when the
        // action was called: an operation that ran before it may have been "syncing" then.
        previous = state;
        committed = commits;
        const view = await begin(at, localOnly);
        previous = state;
        if (!view) throw new ForbiddenError('FORBIDDEN', state.disabledReason ?? '');
        await task(view);
      });
    } catch (error) {
      if (error instanceof StoppedError) throw error;
      if (error instanceof ForbiddenError)
        dispatch({ type: 'enter', status: 'disabled', disabledReason: error.message });
      else if (commits !== committed) fail(error, 'check', at);
      else dispatch({ type: 'action-failed', previous, error: infoOf(error) });
      throw error;
    }
  };

  /** Replaces local data with the server's (empty when it holds nothing: then based on `shown`, the version the conflict showed), after backing it up under its owner. */
  const useServer = async (view: LocalView, shown: number): Promise<void> => {
    // Pulled now, not when the conflict was raised: another tab may have moved the server on.
    const server = await pullVerified(view);
    const data = server?.data ?? snapshotFromEntries([]);
    const replaced = await replaceLocal(view, 'use-server', data);
    await commit(view, {
      baseVersion: server?.meta.version ?? shown,
      lastSyncedChecksum: server?.meta.checksum ?? null,
      base: data,
      replaced: replaced!,
    });
    await announce(view, replaced!, 'now');
  };

  /** Accepts a deletion (`use-server` on `cloud-deleted`): the data stays here, unsynced, and this device stops syncing it. */
  const keepOnDevice = async (view: LocalView, version: number): Promise<void> => {
    dispatch({ type: 'record', record: await save(view, keptOnDeviceRecord(view.record, version)) }, view);
    dispatch(KEPT_ON_DEVICE, view);
  };

  const restore = async (view: LocalView, version: number): Promise<void> => {
    const kept = await verified(await request(view, (t, o) => transport.history(version, t, o)));
    const meta = await request(view, (t, o) => transport.meta(t, o));
    dispatch({ type: 'syncing' }, view);
    // On the server's current version (its checksum as the base; no patch: the base data is not here).
    const { encoded } = await pushBody(kept.data, kept.meta.checksum, meta.meta?.version ?? 0, meta.meta);
    const pushed = await request(view, (t, o) => transport.push(encoded, t, o));
    const replaced = await replaceLocal(view, 'restore', kept.data);
    await commit(view, {
      baseVersion: pushed.version,
      lastSyncedChecksum: kept.meta.checksum,
      base: kept.data,
      replaced: replaced!,
    });
    await announce(view, replaced!, 'now');
  };

  /** Restores backup `id` over the local data the person saw when asking (`seen`), and only over that. */
  const restoreBackup = async (view: LocalView, id: string, seen: Snapshot): Promise<void> => {
    const kept = (await records.listBackups(app, view.user)).find((b) => b.id === id);
    if (!kept) throw new SyncError('LOCAL', `No backup "${id}"`);
    // A sync queued before the action may have replaced the data meanwhile (a pull of another
    // device's edits): restoring now would push over values the person never saw (sim seed 777105).
    if (canonicalJson(view.local) !== canonicalJson(seen))
      throw new SyncError('LOCAL', 'The data changed meanwhile: nothing restored');
    const replaced = await replaceLocal(view, 'backup', kept.data);
    await save(view, { ...view.record, replaced: replaced! });
    await announce(view, replaced!, 'now');
  };

  const onPlatform = (event: PlatformEvent): void => {
    if (event === 'offline') return dispatch({ type: 'connectivity', online: false });
    if (event === 'online') {
      dispatch({ type: 'connectivity', online: true });
      clearTimer('retry');
      void sync('check');
    } else if (event === 'focus' || event === 'visible') {
      if (event === 'focus' && state.status === 'disabled') void sync('check');
      else if (away) returned();
    } else {
      away = true;
      clearTimer('debounce');
      if ((event === 'pagehide' || event === 'hidden') && sendPrepared()) return;
      void sync(event === 'pagehide' ? 'keepalive' : event === 'hidden' ? 'hidden' : 'push');
    }
  };

  /** The person came back to this page (it was hidden or blurred): a check, at most once per `returnCheckMs` (the `return` mode skips it when any tab heard from the server lately). */
  const returned = (): void => {
    away = false;
    if (clock.now() - returnCheckedAt < deps.returnCheckMs) return;
    returnCheckedAt = clock.now();
    void sync('return');
  };

  const onOtherTab = async (): Promise<void> => {
    if (lastUser === null) return;
    const at = run;
    const record = await records.getRecord(app, lastUser);
    const local = await adapter.collect();
    const sum = await checksum(withCarried(local, record.base, adapter.owns, record.carried));
    const inSync = !hasLocalChanges({
      lastSyncedChecksum: record.lastSyncedChecksum,
      localChecksum: sum,
      localEmpty: Object.keys(local).length === 0,
    });
    dispatch({ type: 'tab-synced', record, inSync }, { run: at });
    const { replaced } = record;
    // Before this page's first read, a replacement in the record is one its app reads at start (a
    // page reloaded after a use-server hears its predecessor's message): not one to reload for.
    if (!replaced || firstRead) return;
    if (replaced.page !== page && !told.has(replaced.id)) await replacedElsewhere(replaced, at);
    // Another page may acknowledge the replacement after this page withdrew that, or one this page
    // made itself, whose app still holds the old copy (`defer`, sim seed 1796002998).
    else if (replaced.acknowledged && !reread.has(replaced.id) && !replaceListeners.size)
      await withdraw(replaced.id, at, replaced.page === page ? replaced : undefined);
  };

  /** Records `user` as the owner of local data that has none yet (and is not empty); with `at`, only while that run lasts. */
  const claimUnowned = async (user: string, at?: number): Promise<void> => {
    const unowned = (await records.getOwner(app)) === null && Object.keys(await adapter.collect()).length > 0;
    // A page stopped while this read IndexedDB writes nothing more (§7.6); the next page's first sync claims the edit.
    if (unowned && (at === undefined || at === run)) await records.setOwner(app, user);
  };

  /** The signed-in account, or null when signed out (read from the token). */
  const currentUser = async (): Promise<string | null> => {
    const token = await deps.getToken();
    return token === null ? null : deps.userOf(token);
  };

  const manager: SyncEngine = {
    app,
    idle,
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    reportLocalStateProblem(error) {
      dispatch({
        type: 'local-state-problem',
        message: `Sync data cannot be saved on this device (${String(error)}); sync goes on while this page stays open.`,
      });
    },
    async start() {
      if (started) return idle();
      started = true;
      stopping = new AbortController();
      away = false;
      returnCheckedAt = clock.now();
      unlisten = [platform.listen(onPlatform), channel.listen(() => void onOtherTab().catch(noop))];
      if (deps.persistStorage)
        void deps.persistStorage().then((persisted) => dispatch({ type: 'storage-persisted', persisted }), noop);
      // A hint only: a version this device does not hold yet (0: deleted; null: maybe missed one) makes the ordinary check run.
      stopLive = deps.live?.start((version) => void ((!version || version > state.version) && sync('check'))) ?? noop;
      await sync('start');
    },
    stop() {
      started = false;
      run++;
      stopping.abort();
      clearTimer('debounce');
      clearTimer('retry');
      for (const stopListening of unlisten) stopListening();
      unlisten = [];
      stopLive();
      stopLive = noop;
      publish({ type: 'enter', status: 'idle' });
    },
    notifyChanged() {
      if (!started) return;
      dispatch({ type: 'changed', at: nowIso() });
      changes++;
      void sync('prepare');
      // An edit belongs to the account signed in when it was made, even if another one signs in
      // before the next sync: data nobody owns yet becomes that account's (DESIGN §7.1).
      const at = run;
      void currentUser()
        .then((user) => (user === null ? undefined : claimUnowned(user, at)))
        .catch(noop);
      if (state.status === 'disabled') void sync('check');
      else setTimer('debounce', deps.debounceMs, 'push');
    },
    syncNow() {
      clearTimer('debounce');
      return sync('now');
    },
    resolveConflict(choice: ConflictChoice) {
      const conflict = state.conflict;
      if (!conflict) return Promise.reject(new SyncError('LOCAL', 'No conflict to resolve'));
      // A key-level conflict: the choice decides its colliding keys, every other change stays merged (DESIGN §9).
      const decision: MergeDecision | undefined =
        conflict.keys && deps.merge
          ? {
              prefer: choice === 'keep-local' ? 'local' : 'server',
              keys: conflict.keys,
              serverVersion: conflict.serverVersion,
            }
          : undefined;
      // Keep-local is compare-and-swap on the version the conflict showed, whatever data it holds.
      return userAction((view) =>
        decision
          ? merge(view, 'now', conflict.reason, decision)
          : choice === 'keep-local'
            ? push(view, conflict.serverVersion, 'now', null)
            : conflict.reason === 'cloud-deleted'
              ? keepOnDevice(view, conflict.serverVersion)
              : useServer(view, conflict.serverVersion),
      );
    },
    restore: (version) => userAction((view) => restore(view, version)),
    async listVersions() {
      const token = await allowedToken();
      return token === null ? [] : (await readMeta({ token })).availableVersions;
    },
    async listHistory() {
      const token = await allowedToken();
      return token === null ? [] : ((await readMeta({ token })).versions ?? []);
    },
    onReplace(listener) {
      replaceListeners.add(listener);
      return () => void replaceListeners.delete(listener);
    },
    async forget() {
      manager.stop();
      // The account this manager synced, even when the app already dropped its token.
      const user = lastUser ?? (await currentUser());
      if (user !== null) {
        const { replaced, keptOnDevice } = await records.getRecord(app, user);
        // The person's choice to keep the data off the deleted cloud copy outlives sign-out: this
        // account's next sign-in here uploads nothing unasked (DESIGN §10).
        await records.setRecord(
          app,
          user,
          keptOnDevice === undefined ? null : keptOnDeviceRecord(NEVER_SYNCED, keptOnDevice),
        );
        // Values an app wrote back from its stale copy of another account's data are that account's.
        if (replaced?.removedOwner && isStaleWriteBack({ replaced }, await adapter.collect()))
          await records.setOwner(app, replaced.removedOwner);
        // The local data stays, and stays this account's: the next account meets it as other-account.
        await claimUnowned(user);
      }
      channel.post();
    },
    async listBackups(): Promise<LocalBackup[]> {
      const user = await currentUser();
      return user === null ? [] : records.listBackups(app, user);
    },
    async restoreBackup(id) {
      // What the person sees now: read before any queued sync runs (the store is read synchronously).
      const seen = adapter.collect();
      await userAction(async (view) => restoreBackup(view, id, await seen), true);
      manager.notifyChanged();
    },
  };
  return manager;
}
