import { canonicalJson, canUseSync, checksum, diffSnapshots, utf8ByteLength, type PullResponse, type PushRequest, type Snapshot } from '../contract/index.js';
import { backoffDelayMs } from './backoff.js';
import { AuthError, ConflictError, ForbiddenError, isRetryable, NetworkError, RequestError, ServerError, SyncError } from './errors.js';
import type { Clock, Platform, PlatformEvent, StorageAdapter, SyncLock, SyncTransport, TabChannel } from './ports.js';
import { conflictInfo } from './conflict-info.js';
import { decideSync, hasLocalChanges, isUnconfirmedPush } from './sync-decision.js';
import type { ConflictChoice, LocalBackup, ReplaceListener, SyncListener, SyncManager } from './sync-manager.js';
import { NEVER_SYNCED, type SyncRecord, type SyncRecordStore } from './sync-record-store.js';
import type { ConflictReason, SyncErrorInfo, SyncState } from './sync-state.js';
import { initialSyncState, reduceSyncState, type SyncEvent } from './sync-state-reducer.js';

/** Browsers refuse keepalive requests whose bodies (all in flight together) exceed 64 KiB. */
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
  getToken: GetToken;
  /** The subscriptions that gate this token (the app's option, else the token's claim). */
  subscriptionsFor: (token: string) => readonly unknown[] | null | Promise<readonly unknown[] | null>;
  deviceId: () => Promise<string>;
  debounceMs: number;
  /** Asks for durable storage at start; null where unsupported. */
  persistStorage?: () => Promise<boolean | null>;
}

/**
 * Why a sync runs: `check` asks the server first; the others push what changed. `hidden` pushes
 * with keepalive when the body fits, so the request outlives a page that is closing; `keepalive`
 * (pagehide) sends only such a request, and a larger body stays pending for the next start.
 */
type Mode = 'check' | 'push' | 'hidden' | 'keepalive';
type TimerName = 'debounce' | 'retry';

/** One sync operation's view, read inside the lock. */
interface Context {
  record: SyncRecord;
  snapshot: Snapshot;
  sum: string;
  token: string;
  refreshed: boolean;
}

/** A {@link SyncManager} that can also tell when it has settled. */
export interface SyncEngine extends SyncManager {
  /** Resolves once no sync operation is running or queued (for tests, and before navigating away). */
  idle(): Promise<void>;
}

const infoOf = (error: unknown): SyncErrorInfo =>
  error instanceof SyncError ? { code: error.code, message: error.message } : { code: 'LOCAL', message: String(error) };
const noop = (): void => {};
const isEmpty = (snapshot: Snapshot): boolean => Object.keys(snapshot).length === 0;

/**
 * The sync manager's core: the start flow, debounced and event-driven pushes, conflicts and their
 * resolution, retries, gating and tab coordination, over the ports in {@link SyncEngineDeps}.
 * Every sync operation runs inside the app's lock and re-reads the persisted record there, so tabs
 * sharing one device take turns and never conflict with each other. State changes only through
 * {@link reduceSyncState}.
 */
export function createSyncEngine(deps: SyncEngineDeps): SyncEngine {
  const { app, adapter, transport, records, platform, clock, channel } = deps;
  const listeners = new Set<SyncListener>();
  const replaceListeners = new Set<ReplaceListener>();
  const timers: Partial<Record<TimerName, unknown>> = {};
  const queued = new Set<Mode>();
  let state = initialSyncState(platform.isOnline());
  let started = false;
  let unlisten: (() => void)[] = [];
  let attempt = 0;
  let tail: Promise<unknown> = Promise.resolve();
  let deviceId: Promise<string> | undefined;

  const dispatch = (event: SyncEvent): void => {
    const next = reduceSyncState(state, event);
    if (next === state) return;
    state = next;
    for (const listener of listeners) listener(next);
  };

  const nowIso = (): string => new Date(clock.now()).toISOString();

  const clearTimer = (name: TimerName): void => {
    clock.clearTimeout(timers[name]);
    delete timers[name];
  };

  /** (Re)starts timer `name`: one of each kind at a time. */
  const setTimer = (name: TimerName, ms: number, mode: Mode): void => {
    clearTimer(name);
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
    if (queued.has(mode)) return idle();
    queued.add(mode);
    return exclusive(async () => {
      queued.delete(mode);
      if (started) await syncLocked(mode);
      attempt = 0;
    }).catch((error: unknown) => fail(error, mode));
  };

  const readLocal = async (): Promise<Context> => {
    const record = await records.getRecord(app);
    const snapshot = await adapter.collect();
    return { record, snapshot, sum: await checksum(snapshot), token: '', refreshed: false };
  };

  const save = async (record: SyncRecord): Promise<SyncRecord> => {
    await records.setRecord(app, record);
    channel.post();
    return record;
  };

  const commit = async (version: number, lastSyncedChecksum: string | null, pendingSince: string | null): Promise<void> => {
    const record = await save({ baseVersion: version, lastSyncedChecksum, lastSyncedAt: nowIso(), pendingSince });
    dispatch({ type: 'settled', record });
  };

  const backup = (ctx: Context, reason: LocalBackup['reason']): Promise<void> => {
    const createdAt = nowIso();
    return records.addBackup({
      id: `${createdAt}-${ctx.sum.slice(0, 8)}`,
      app,
      createdAt,
      reason,
      owner: null,
      baseVersion: ctx.record.baseVersion,
      checksum: ctx.sum,
      data: ctx.snapshot,
    });
  };

  /** Null (and the state `disabled`) when no token or no subscription allows this app. */
  const authorize = async (forceRefresh?: boolean): Promise<string | null> => {
    let token: string | null;
    try {
      token = await deps.getToken(forceRefresh ? { forceRefresh } : undefined);
    } catch (error) {
      throw new AuthError('AUTH', String(error));
    }
    const access = token === null ? { allowed: false, reason: 'Not signed in' } : canUseSync(app, await deps.subscriptionsFor(token));
    if (access.allowed) return token;
    dispatch({ type: 'enter', status: 'disabled', disabledReason: access.reason ?? '' });
    return null;
  };

  /** Makes one request; a 401 gets one fresh token (`getToken({ forceRefresh: true })`) and one more try. */
  const request = async <T>(ctx: Context, call: (token: string) => Promise<T>): Promise<T> => {
    try {
      return await call(ctx.token);
    } catch (error) {
      if (!(error instanceof AuthError) || ctx.refreshed) throw error;
      ctx.refreshed = true;
      const token = await authorize(true);
      // Signed out (or the subscription is gone) meanwhile: `authorize` already disabled sync,
      // and a ForbiddenError keeps it there, with changes pending, instead of an error state.
      if (token === null) throw new ForbiddenError('FORBIDDEN', state.disabledReason ?? 'Not signed in');
      ctx.token = token;
      return await call(token);
    }
  };

  const pushBody = async (data: Snapshot, sum: string, version: number): Promise<PushRequest> => ({
    data,
    version,
    checksum: sum,
    deviceId: await (deviceId ??= deps.deviceId()),
    timestamp: nowIso(),
  });

  const push = async (ctx: Context, version: number, mode: Mode = 'push', retried = false): Promise<void> => {
    const body = await pushBody(ctx.snapshot, ctx.sum, version);
    const keepalive = (mode === 'hidden' || mode === 'keepalive') && utf8ByteLength(JSON.stringify(body)) <= KEEPALIVE_MAX_BYTES;
    // On pagehide a body over the keepalive limit would be cut off with the page; it stays pending for the next start.
    if (mode === 'keepalive' && !keepalive) return dispatch({ type: 'settled', record: ctx.record });
    dispatch({ type: 'syncing' });
    // Remembered before the answer, which a closing page or a dropped network may never see.
    ctx.record = { ...ctx.record, unconfirmed: [...(ctx.record.unconfirmed ?? []).slice(-3), { version, checksum: ctx.sum }] };
    // Best effort: only telling a lost answer from another device's push depends on it.
    const remembered = records.setRecord(app, ctx.record).catch(noop);
    let pushed;
    try {
      pushed = await request(ctx, (token) => transport.push(body, token, { keepalive }));
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
    await remembered;
    if (!pushed) return raiseConflict(ctx, ctx.record.lastSyncedChecksum === null ? 'first-sync' : 'push-rejected', undefined, retried);
    const changedSince = (await checksum(await adapter.collect())) !== ctx.sum;
    await commit(pushed.version, ctx.sum, changedSince ? (ctx.record.pendingSince ?? nowIso()) : null);
    if (changedSince) setTimer('debounce', deps.debounceMs, 'push');
  };

  /**
   * Pulls the server's data to show what differs. Some conflicts resolve themselves: equal data, an
   * emptied server, or a head that is this device's own push whose answer was lost (local edits
   * then go on top of it).
   */
  const raiseConflict = async (ctx: Context, reason: ConflictReason, pulled?: PullResponse, retried?: boolean): Promise<void> => {
    let server = pulled;
    try {
      server ??= await request(ctx, (token) => transport.pull(token));
    } catch (error) {
      if (error instanceof RequestError && error.code === 'NOT_FOUND' && !retried) return push(ctx, 0, 'push', true);
      throw error;
    }
    const head = server.meta;
    if (head.checksum === ctx.sum) return commit(head.version, ctx.sum, null);
    if (isUnconfirmedPush(ctx.record, head) && !retried) {
      ctx.record = await save({ ...ctx.record, baseVersion: head.version, lastSyncedChecksum: head.checksum, unconfirmed: [] });
      return push(ctx, head.version, 'push', true);
    }
    const conflict = conflictInfo({
      reason,
      baseVersion: ctx.record.baseVersion,
      local: { data: ctx.snapshot, modifiedAt: ctx.record.pendingSince, deviceName: null },
      server: { record: head, data: server.data },
    });
    dispatch({ type: 'enter', status: 'conflict', conflict });
  };

  /**
   * Replaces the local data with `data` unless the app changed it since `ctx` was read; false when
   * it did. Nothing but microtasks runs between the comparison and the write, so no edit of the app
   * falls in between (with an adapter whose `collect` and `apply` are synchronous, as localStorage's).
   */
  const applyIfUnchanged = async (ctx: Context, data: Snapshot): Promise<boolean> => {
    if (canonicalJson(await adapter.collect()) !== canonicalJson(ctx.snapshot)) return false;
    await adapter.apply(data);
    return true;
  };

  /** Backs up the local data, then replaces it with `data`; an edit made during the backup is backed up as well. */
  const replaceLocal = async (reason: LocalBackup['reason'], data: Snapshot): Promise<void> => {
    let ctx: Context;
    do await backup((ctx = await readLocal()), reason);
    while (!(await applyIfUnchanged(ctx, data)));
  };

  const syncLocked = async (mode: Mode): Promise<void> => {
    const ctx = await readLocal();
    const localEmpty = isEmpty(ctx.snapshot);
    const changed = hasLocalChanges({ ...ctx.record, localChecksum: ctx.sum, localEmpty });
    const pendingSince = changed ? (ctx.record.pendingSince ?? nowIso()) : null;
    if (pendingSince !== ctx.record.pendingSince) dispatch({ type: 'record', record: (ctx.record = await save({ ...ctx.record, pendingSince })) });
    if (!platform.isOnline()) return dispatch({ type: 'connectivity', online: false });
    const pushing = mode !== 'check';
    if (pushing && state.status === 'conflict') return;
    if (pushing && !changed && state.status !== 'disabled') return dispatch({ type: 'settled', record: ctx.record });
    const token = await authorize();
    if (token === null) return;
    ctx.token = token;
    if (pushing && !changed) return dispatch({ type: 'settled', record: ctx.record });
    if (pushing && ctx.record.lastSyncedChecksum !== null) return push(ctx, ctx.record.baseVersion, mode);

    dispatch({ type: 'syncing' });
    const meta = await request(ctx, (t) => transport.meta(t));
    const decision = decideSync({ ...ctx.record, localChecksum: ctx.sum, localEmpty, server: meta.meta });
    if (decision.action === 'adopt') return commit(decision.version, decision.checksum, null);
    if (decision.action === 'push') return push(ctx, decision.version, mode);
    if (decision.action === 'conflict') return raiseConflict(ctx, decision.reason);
    const server = await request(ctx, (t) => transport.pull(t));
    // A pull that deletes keys here (another device cleared them) keeps what it deletes.
    if (diffSnapshots(ctx.snapshot, server.data).added.length > 0) await backup(ctx, 'pull');
    // The app may have written since collect; such an edit is never overwritten.
    if (!(await applyIfUnchanged(ctx, server.data))) {
      const { record, snapshot, sum } = await readLocal();
      return raiseConflict({ ...ctx, record, snapshot, sum }, 'server-newer', server);
    }
    await commit(server.meta.version, server.meta.checksum, null);
  };

  const fail = (error: unknown, mode: Mode): void => {
    if (!started) return;
    if (error instanceof ForbiddenError) return dispatch({ type: 'enter', status: 'disabled', disabledReason: error.message });
    if (error instanceof NetworkError && !platform.isOnline()) return dispatch({ type: 'connectivity', online: false });
    if (!isRetryable(error)) return dispatch({ type: 'enter', status: 'error', error: infoOf(error) });
    const delayMs = backoffDelayMs(attempt++, deps.random, error instanceof ServerError ? error.retryAfterMs : null);
    setTimer('retry', delayMs, mode === 'check' ? mode : 'push');
    dispatch({ type: 'enter', status: 'pending', error: infoOf(error), nextRetryAt: new Date(clock.now() + delayMs).toISOString() });
  };

  /** Runs a user's action in the lock; on failure the state goes back to what it was (with the error) and the promise rejects. */
  const userAction = async (task: (ctx: Context) => Promise<void>): Promise<void> => {
    const previous = state;
    try {
      await exclusive(async () => {
        const ctx = await readLocal();
        const token = await authorize();
        if (token === null) throw new ForbiddenError('FORBIDDEN', state.disabledReason ?? '');
        await task({ ...ctx, token });
      });
    } catch (error) {
      if (error instanceof ForbiddenError) dispatch({ type: 'enter', status: 'disabled', disabledReason: error.message });
      else dispatch({ type: 'action-failed', previous, error: infoOf(error) });
      throw error;
    }
  };

  const onPlatform = (event: PlatformEvent): void => {
    if (event === 'offline') return dispatch({ type: 'connectivity', online: false });
    if (event === 'online') {
      dispatch({ type: 'connectivity', online: true });
      clearTimer('retry');
      attempt = 0;
      void sync('check');
    } else if (event === 'focus') {
      if (state.status === 'disabled') void sync('check');
    } else {
      clearTimer('debounce');
      void sync(event === 'pagehide' ? 'keepalive' : event === 'hidden' ? 'hidden' : 'push');
    }
  };

  const onOtherTab = async (): Promise<void> => {
    const { record, sum } = await readLocal();
    dispatch({ type: 'tab-synced', record, inSync: sum === record.lastSyncedChecksum });
  };

  const manager: SyncEngine = {
    app,
    idle,
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async start() {
      if (started) return idle();
      started = true;
      unlisten = [platform.listen(onPlatform), channel.listen(() => void onOtherTab())];
      if (deps.persistStorage) void deps.persistStorage().then((persisted) => dispatch({ type: 'storage-persisted', persisted }));
      dispatch({ type: 'record', record: await records.getRecord(app) });
      await sync('check');
    },
    stop() {
      started = false;
      clearTimer('debounce');
      clearTimer('retry');
      for (const stopListening of unlisten) stopListening();
      unlisten = [];
      dispatch({ type: 'enter', status: 'idle' });
    },
    notifyChanged() {
      if (!started) return;
      dispatch({ type: 'changed', at: nowIso() });
      if (state.status === 'disabled') void sync('check');
      else setTimer('debounce', deps.debounceMs, 'push');
    },
    syncNow() {
      clearTimer('debounce');
      return sync('check');
    },
    resolveConflict(choice: ConflictChoice) {
      const conflict = state.conflict;
      if (!conflict) return Promise.reject(new SyncError('LOCAL', 'No conflict to resolve'));
      return userAction(async (ctx) => {
        if (choice === 'keep-local') return push(ctx, conflict.serverVersion);
        // Pulled now, not when the conflict was raised: another tab may have moved the server on.
        const server = await request(ctx, (token) => transport.pull(token));
        await replaceLocal('use-server', server.data);
        await commit(server.meta.version, server.meta.checksum, null);
      });
    },
    restore(version) {
      return userAction(async (ctx) => {
        const kept = await request(ctx, (token) => transport.history(version, token));
        const meta = await request(ctx, (token) => transport.meta(token));
        const sum = await checksum(kept.data);
        dispatch({ type: 'syncing' });
        const body = await pushBody(kept.data, sum, meta.meta?.version ?? 0);
        const pushed = await request(ctx, (token) => transport.push(body, token));
        await replaceLocal('restore', kept.data);
        await commit(pushed.version, sum, null);
      });
    },
    async listVersions() {
      const token = await authorize();
      return token === null ? [] : (await transport.meta(token)).availableVersions;
    },
    async listHistory() {
      const token = await authorize();
      return token === null ? [] : ((await transport.meta(token)).versions ?? []);
    },
    onReplace(listener) {
      replaceListeners.add(listener);
      return () => void replaceListeners.delete(listener);
    },
    async forget() {
      manager.stop();
      await records.setRecord(app, NEVER_SYNCED);
    },
    listBackups: () => records.listBackups(app),
    async restoreBackup(id) {
      const kept = (await records.listBackups(app)).find((b) => b.id === id);
      if (!kept) throw new SyncError('LOCAL', `No backup "${id}"`);
      await exclusive(() => replaceLocal('restore', kept.data));
      manager.notifyChanged();
    },
  };
  return manager;
}
