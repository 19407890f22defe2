import { canUseSync, checksum, diffSnapshots, utf8ByteLength, type PullResponse, type PushRequest, type Snapshot } from './contract/index.js';
import type { StorageAdapter } from './adapters/storage-adapter.js';
import { backoffDelayMs } from './backoff.js';
import { AuthError, ConflictError, ForbiddenError, isRetryable, NetworkError, RequestError, SyncError } from './errors.js';
import type { Platform, PlatformEvent } from './platform/browser-platform.js';
import type { Clock } from './platform/clock.js';
import type { TabChannel } from './platform/tab-channel.js';
import type { SyncLock } from './platform/web-lock.js';
import { decideSync, hasLocalChanges } from './sync-decision.js';
import type { ConflictChoice, LocalBackup, SyncListener, SyncManager } from './sync-manager.js';
import type { SyncRecord, SyncRecordStore } from './sync-record-store.js';
import type { ConflictReason, SyncErrorInfo, SyncState } from './sync-state.js';
import { initialSyncState, reduceSyncState, type SyncEvent } from './sync-state-reducer.js';
import type { SyncTransport } from './transport.js';

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

type Mode = 'check' | 'push' | 'keepalive';

/** One sync operation's view, read inside the lock. */
interface Context {
  record: SyncRecord;
  snapshot: Snapshot;
  sum: string;
  token: string;
  refreshed: boolean;
}

const infoOf = (error: unknown): SyncErrorInfo =>
  error instanceof SyncError ? { code: error.code, message: error.message } : { code: 'LOCAL', message: String(error) };
const noop = (): void => {};

/**
 * The sync manager's core: the start flow, debounced and event-driven pushes, conflicts and their
 * resolution, retries, gating and tab coordination, over the ports in {@link SyncEngineDeps}.
 * Every sync operation runs inside the app's lock and re-reads the persisted record there, so tabs
 * sharing one device take turns and never conflict with each other.
 */
export class SyncEngine implements SyncManager {
  readonly app: string;
  private state: SyncState;
  private readonly listeners = new Set<SyncListener>();
  private started = false;
  private unlisten: (() => void)[] = [];
  private debounceTimer: unknown;
  private retryTimer: unknown;
  private attempt = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly queued = new Set<Mode>();
  private conflictServer: PullResponse | null = null;
  private deviceIdPromise: Promise<string> | undefined;

  constructor(private readonly deps: SyncEngineDeps) {
    this.app = deps.app;
    this.state = initialSyncState(deps.platform.isOnline());
  }

  getState(): SyncState {
    return this.state;
  }

  subscribe(listener: SyncListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.started) return this.idle();
    this.started = true;
    const { platform, channel, persistStorage, records } = this.deps;
    this.unlisten = [platform.listen((event) => this.onPlatform(event)), channel.listen(() => void this.onOtherTab())];
    if (persistStorage) void persistStorage().then((persisted) => this.dispatch({ type: 'storage-persisted', persisted }));
    this.dispatch({ type: 'record', record: await records.getRecord(this.app) });
    await this.sync('check');
  }

  stop(): void {
    this.started = false;
    this.clearTimer('debounceTimer');
    this.clearTimer('retryTimer');
    for (const unlisten of this.unlisten) unlisten();
    this.unlisten = [];
    this.deps.channel.close();
    this.dispatch({ type: 'stopped' });
  }

  notifyChanged(): void {
    if (!this.started) return;
    this.dispatch({ type: 'changed', at: this.nowIso() });
    if (this.state.status === 'disabled') void this.sync('check');
    else this.startDebounce();
  }

  syncNow(): Promise<void> {
    this.clearTimer('debounceTimer');
    return this.sync('check');
  }

  /** Resolves once no sync operation is running or queued (for tests and before navigating away). */
  async idle(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.tail;
      await seen;
    } while (seen !== this.tail);
  }

  resolveConflict(choice: ConflictChoice): Promise<void> {
    const conflict = this.state.conflict;
    if (!conflict) return Promise.reject(new SyncError('LOCAL', 'There is no conflict to resolve'));
    return this.userAction(async (ctx) => {
      if (choice === 'keep-local') return this.push(ctx, conflict.serverVersion);
      await this.backup(ctx, 'use-server');
      const server = this.conflictServer ?? (await this.request(ctx, (token) => this.deps.transport.pull(token)));
      await this.deps.adapter.apply(server.data);
      await this.commit(server.meta.version, server.meta.checksum, null);
    });
  }

  restore(version: number): Promise<void> {
    return this.userAction(async (ctx) => {
      const { transport, adapter } = this.deps;
      await this.backup(ctx, 'restore');
      const kept = await this.request(ctx, (token) => transport.history(version, token));
      const meta = await this.request(ctx, (token) => transport.meta(token));
      const sum = await checksum(kept.data);
      this.dispatch({ type: 'syncing' });
      const body = await this.pushBody(kept.data, sum, meta.meta?.version ?? 0);
      const pushed = await this.request(ctx, (token) => transport.push(body, token));
      await adapter.apply(kept.data);
      await this.commit(pushed.version, sum, null);
    });
  }

  async listVersions(): Promise<number[]> {
    const token = await this.authorize();
    return token === null ? [] : (await this.deps.transport.meta(token)).availableVersions;
  }

  listBackups(): Promise<LocalBackup[]> {
    return this.deps.records.listBackups(this.app);
  }

  async restoreBackup(id: string): Promise<void> {
    const backup = (await this.listBackups()).find((b) => b.id === id);
    if (!backup) throw new SyncError('LOCAL', `No local backup "${id}"`);
    await this.exclusive(async () => {
      await this.backup(await this.readLocal(), 'restore');
      await this.deps.adapter.apply(backup.data);
    });
    this.notifyChanged();
  }

  private dispatch(event: SyncEvent): void {
    const next = reduceSyncState(this.state, event);
    if (next === this.state) return;
    this.state = next;
    if (next.status !== 'conflict') this.conflictServer = null;
    for (const listener of this.listeners) listener(next);
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  private clearTimer(name: 'debounceTimer' | 'retryTimer'): void {
    if (this[name] !== undefined) this.deps.clock.clearTimeout(this[name]);
    this[name] = undefined;
  }

  private startDebounce(): void {
    this.clearTimer('debounceTimer');
    this.debounceTimer = this.deps.clock.setTimeout(() => {
      this.debounceTimer = undefined;
      void this.sync('push');
    }, this.deps.debounceMs);
  }

  private onPlatform(event: PlatformEvent): void {
    if (event === 'offline') return this.dispatch({ type: 'connectivity', online: false });
    if (event === 'online') {
      this.dispatch({ type: 'connectivity', online: true });
      this.clearTimer('retryTimer');
      this.attempt = 0;
      void this.sync('check');
    } else if (event === 'focus') {
      if (this.state.status === 'disabled') void this.sync('check');
    } else {
      this.clearTimer('debounceTimer');
      void this.sync(event === 'pagehide' ? 'keepalive' : 'push');
    }
  }

  private async onOtherTab(): Promise<void> {
    const { record, sum } = await this.readLocal();
    this.dispatch({ type: 'tab-synced', record, inSync: sum === record.lastSyncedChecksum });
  }

  /** Runs `task` after every queued operation, inside the app's lock (shared with other tabs). */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => this.deps.lock.run(`taco-sync:${this.app}`, task));
    this.tail = result.then(noop, noop);
    return result;
  }

  /** Queues a background sync; a mode already waiting is not queued twice (it will see the latest data). */
  private sync(mode: Mode): Promise<void> {
    if (this.queued.has(mode)) return this.idle();
    this.queued.add(mode);
    return this.exclusive(async () => {
      this.queued.delete(mode);
      if (this.started) await this.syncLocked(mode);
      this.attempt = 0;
    }).catch((error: unknown) => this.fail(error, mode));
  }

  private async userAction(task: (ctx: Context) => Promise<void>): Promise<void> {
    const previous = this.state;
    try {
      await this.exclusive(async () => {
        const ctx = await this.readLocal();
        const token = await this.authorize();
        if (token === null) throw new ForbiddenError(this.state.disabledReason ?? 'Sync is disabled');
        await task({ ...ctx, token });
      });
    } catch (error) {
      if (this.state.status !== 'disabled') this.dispatch({ type: 'action-failed', previous, error: infoOf(error) });
      throw error;
    }
  }

  private async readLocal(): Promise<Context> {
    const record = await this.deps.records.getRecord(this.app);
    const snapshot = await this.deps.adapter.collect();
    return { record, snapshot, sum: await checksum(snapshot), token: '', refreshed: false };
  }

  private async syncLocked(mode: Mode): Promise<void> {
    const ctx = await this.readLocal();
    const changed = hasLocalChanges({ ...ctx.record, localChecksum: ctx.sum, localEmpty: Object.keys(ctx.snapshot).length === 0 });
    const pendingSince = changed ? (ctx.record.pendingSince ?? this.nowIso()) : null;
    if (pendingSince !== ctx.record.pendingSince) ctx.record = await this.save({ ...ctx.record, pendingSince });
    if (!this.deps.platform.isOnline()) return this.dispatch({ type: 'connectivity', online: false });
    const pushing = mode !== 'check';
    if (pushing && this.state.status === 'conflict') return;
    if (pushing && !changed && this.state.status !== 'disabled') return this.dispatch({ type: 'settled', record: ctx.record });
    const token = await this.authorize();
    if (token === null) return;
    ctx.token = token;
    if (pushing && !changed) return this.dispatch({ type: 'settled', record: ctx.record });
    if (pushing && ctx.record.lastSyncedChecksum !== null) return this.push(ctx, ctx.record.baseVersion, mode === 'keepalive');

    this.dispatch({ type: 'syncing' });
    const meta = await this.request(ctx, (t) => this.deps.transport.meta(t));
    const decision = decideSync({
      ...ctx.record,
      localChecksum: ctx.sum,
      localEmpty: Object.keys(ctx.snapshot).length === 0,
      server: meta.meta,
    });
    if (decision.action === 'adopt') return this.commit(decision.version, decision.checksum, null);
    if (decision.action === 'push') return this.push(ctx, decision.version);
    if (decision.action === 'conflict') return this.raiseConflict(ctx, decision.reason);
    const server = await this.request(ctx, (t) => this.deps.transport.pull(t));
    // The app may have written between collect and now; such an edit must not be overwritten.
    if ((await checksum(await this.deps.adapter.collect())) !== ctx.sum) return this.raiseConflict(ctx, 'server-newer', server);
    await this.deps.adapter.apply(server.data);
    await this.commit(server.meta.version, server.meta.checksum, null);
  }

  /** Null (and the state `disabled`) when no token or no subscription allows this app. */
  private async authorize(forceRefresh = false): Promise<string | null> {
    let token: string | null;
    try {
      token = await this.deps.getToken(forceRefresh ? { forceRefresh } : undefined);
    } catch (error) {
      throw new AuthError(`getToken failed: ${String(error)}`);
    }
    const access = token === null ? { allowed: false, reason: 'Not signed in' } : canUseSync(this.app, await this.deps.subscriptionsFor(token));
    if (access.allowed) return token;
    this.dispatch({ type: 'disabled', reason: access.reason ?? 'Sync is not allowed' });
    return null;
  }

  /** Makes one request; a 401 gets one fresh token (`getToken({ forceRefresh: true })`) and one more try. */
  private async request<T>(ctx: Context, call: (token: string) => Promise<T>): Promise<T> {
    try {
      return await call(ctx.token);
    } catch (error) {
      if (!(error instanceof AuthError) || ctx.refreshed) throw error;
      ctx.refreshed = true;
      const token = await this.authorize(true);
      if (token === null) throw new AuthError('Signed out while syncing');
      ctx.token = token;
      return await call(token);
    }
  }

  private async pushBody(data: Snapshot, sum: string, version: number): Promise<PushRequest> {
    const deviceId = await (this.deviceIdPromise ??= this.deps.deviceId());
    return { data, version, checksum: sum, deviceId, timestamp: this.nowIso() };
  }

  private async push(ctx: Context, version: number, keepalive = false, retried = false): Promise<void> {
    const body = await this.pushBody(ctx.snapshot, ctx.sum, version);
    // A body over the keepalive limit would be refused; it stays pending for the next start.
    if (keepalive && utf8ByteLength(JSON.stringify(body)) > KEEPALIVE_MAX_BYTES) return this.dispatch({ type: 'settled', record: ctx.record });
    this.dispatch({ type: 'syncing' });
    let pushed;
    try {
      pushed = await this.request(ctx, (token) => this.deps.transport.push(body, token, { keepalive }));
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      return this.raiseConflict(ctx, ctx.record.lastSyncedChecksum === null ? 'first-sync' : 'push-rejected', undefined, retried);
    }
    const changedSince = (await checksum(await this.deps.adapter.collect())) !== ctx.sum;
    await this.commit(pushed.version, ctx.sum, changedSince ? (ctx.record.pendingSince ?? this.nowIso()) : null);
    if (changedSince) this.startDebounce();
  }

  /** Pulls the server's data to show what differs; equal data or an emptied server resolve themselves. */
  private async raiseConflict(ctx: Context, reason: ConflictReason, pulled?: PullResponse, retried = false): Promise<void> {
    let server = pulled;
    try {
      server ??= await this.request(ctx, (token) => this.deps.transport.pull(token));
    } catch (error) {
      if (error instanceof RequestError && error.code === 'NOT_FOUND' && !retried) return this.push(ctx, 0, false, true);
      throw error;
    }
    if (server.meta.checksum === ctx.sum) return this.commit(server.meta.version, ctx.sum, null);
    this.dispatch({
      type: 'conflict',
      conflict: {
        reason,
        localVersion: ctx.record.baseVersion,
        serverVersion: server.meta.version,
        serverModified: server.meta.lastModified,
        serverDeviceId: server.meta.deviceId,
        diff: diffSnapshots(ctx.snapshot, server.data),
      },
    });
    // Kept for 'use-server', which then needs no second pull.
    this.conflictServer = server;
  }

  private async commit(version: number, lastSyncedChecksum: string | null, pendingSince: string | null): Promise<void> {
    const record = await this.save({ baseVersion: version, lastSyncedChecksum, lastSyncedAt: this.nowIso(), pendingSince });
    this.dispatch({ type: 'settled', record });
  }

  private async save(record: SyncRecord): Promise<SyncRecord> {
    await this.deps.records.setRecord(this.app, record);
    this.deps.channel.post();
    return record;
  }

  private async backup(ctx: Pick<Context, 'record' | 'snapshot' | 'sum'>, reason: LocalBackup['reason']): Promise<void> {
    const createdAt = this.nowIso();
    await this.deps.records.addBackup({
      id: `${createdAt}-${ctx.sum.slice(0, 8)}`,
      app: this.app,
      createdAt,
      reason,
      baseVersion: ctx.record.baseVersion,
      checksum: ctx.sum,
      data: ctx.snapshot,
    });
  }

  private fail(error: unknown, mode: Mode): void {
    if (error instanceof ForbiddenError) return this.dispatch({ type: 'disabled', reason: error.message });
    if (error instanceof NetworkError && !this.deps.platform.isOnline()) return this.dispatch({ type: 'connectivity', online: false });
    if (!isRetryable(error) || !this.started) return this.dispatch({ type: 'failed', error: infoOf(error) });
    const delayMs = backoffDelayMs(this.attempt++, this.deps.random, 'retryAfterMs' in error ? error.retryAfterMs : null);
    this.clearTimer('retryTimer');
    this.retryTimer = this.deps.clock.setTimeout(() => {
      this.retryTimer = undefined;
      void this.sync(mode === 'keepalive' ? 'push' : mode);
    }, delayMs);
    this.dispatch({ type: 'retrying', error: infoOf(error), nextRetryAt: new Date(this.deps.clock.now() + delayMs).toISOString() });
  }
}
