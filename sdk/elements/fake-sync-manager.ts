import type { VersionRecord } from '../contract/index.js';
import type {
  ConflictChoice,
  LocalBackup,
  ReplaceEvent,
  ReplaceListener,
  SyncListener,
  SyncManager,
} from '../core/sync-manager.js';
import type { ConflictInfo, SyncState } from '../core/sync-state.js';

/** A `SyncState` with nothing happening yet: the starting point of {@link FakeSyncManager}. */
export const IDLE_STATE: SyncState = {
  status: 'idle',
  version: 0,
  lastSyncedAt: null,
  pendingSince: null,
  online: true,
  nextRetryAt: null,
  storagePersisted: null,
  reloadReason: null,
  localStateProblem: null,
};

/** A call the fake received, in order. */
export type FakeCall =
  | { method: 'syncNow' }
  | { method: 'resolveConflict'; choice: ConflictChoice }
  | { method: 'restore'; version: number }
  | { method: 'restoreBackup'; id: string };

/**
 * A `SyncManager` for tests and demos of the UI: it holds a state you set with {@link FakeSyncManager.setState},
 * a server history and local backups you set with {@link FakeSyncManager.setHistory} and
 * {@link FakeSyncManager.setBackups}, records `syncNow` / `resolveConflict` / `restore` /
 * `restoreBackup` calls, and lets a test decide when (and how) those calls settle.
 *
 * Like the real manager it keeps `getState()` stable between changes (the same object until `setState`),
 * which React's `useSyncExternalStore` requires.
 */
export class FakeSyncManager implements SyncManager {
  readonly app: string;
  /** Every `syncNow` / `resolveConflict` call, in order. */
  readonly calls: FakeCall[] = [];
  /** How many listeners are subscribed right now. */
  listenerCount = 0;
  private state: SyncState;
  private readonly listeners = new Set<SyncListener>();
  private pending: { resolve: () => void; reject: (error: unknown) => void } | null = null;
  private settleAtOnce = true;

  constructor(state: Partial<SyncState> = {}, app = 'demo') {
    this.app = app;
    this.state = { ...IDLE_STATE, ...state };
  }

  private conflictAfterChoice: ConflictInfo | null = null;

  /** Publishes a new state (merged over the current one) to every listener. */
  setState(patch: Partial<SyncState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of [...this.listeners]) listener(this.state);
  }

  /** Makes later `syncNow` / `resolveConflict` calls wait until {@link settle} or {@link fail}. */
  holdCalls(): void {
    this.settleAtOnce = false;
  }

  /** Resolves the call that is waiting. */
  settle(): void {
    this.pending?.resolve();
    this.pending = null;
  }

  /** Rejects the call that is waiting with `error`. */
  fail(error: unknown): void {
    this.pending?.reject(error);
    this.pending = null;
  }

  getState(): SyncState {
    return this.state;
  }

  subscribe(listener: SyncListener): () => void {
    this.listeners.add(listener);
    this.listenerCount = this.listeners.size;
    return () => {
      this.listeners.delete(listener);
      this.listenerCount = this.listeners.size;
    };
  }

  syncNow(): Promise<void> {
    this.calls.push({ method: 'syncNow' });
    return this.call();
  }

  /**
   * Like the real manager, a successful choice leaves `conflict` (to `synced`), unless
   * {@link FakeSyncManager.answerChoiceWithConflict} said another device pushed meanwhile.
   */
  async resolveConflict(choice: ConflictChoice): Promise<void> {
    this.calls.push({ method: 'resolveConflict', choice });
    await this.call();
    const next = this.conflictAfterChoice;
    this.conflictAfterChoice = null;
    this.setState(next ? { status: 'conflict', conflict: next } : { status: 'synced', conflict: undefined });
  }

  /** Makes the next successful `resolveConflict` end in a new conflict, as when a third device pushed meanwhile. */
  answerChoiceWithConflict(conflict: ConflictInfo): void {
    this.conflictAfterChoice = conflict;
  }

  async start(): Promise<void> {}
  stop(): void {}
  notifyChanged(): void {}

  private history: VersionRecord[] = [];
  private backups: LocalBackup[] = [];
  private historyFailure: unknown = null;
  private bareVersions: number[] | null = null;
  /** How many times `listHistory` and `listBackups` were called. */
  readonly reads = { history: 0, backups: 0 };

  /** Sets what `listHistory` (and `listVersions`) answer: the kept versions' records, ascending. */
  setHistory(records: VersionRecord[]): void {
    this.history = records;
  }

  /** Makes `listVersions` answer `versions` while `listHistory` answers none, as a Worker without version records does. */
  setVersionsWithoutRecords(versions: number[]): void {
    this.history = [];
    this.bareVersions = versions;
  }

  /** Sets what `listBackups` answers: the local backups, newest first. */
  setBackups(backups: LocalBackup[]): void {
    this.backups = backups;
  }

  /** Makes `listHistory` reject with `error` until called with null, as an unreachable server would. */
  failHistory(error: unknown): void {
    this.historyFailure = error;
  }

  async restore(version: number): Promise<void> {
    this.calls.push({ method: 'restore', version });
    await this.call();
  }
  async listVersions(): Promise<number[]> {
    return this.bareVersions ?? this.history.map((record) => record.version);
  }
  async listBackups(): Promise<LocalBackup[]> {
    this.reads.backups += 1;
    return this.backups;
  }
  async listHistory(): Promise<VersionRecord[]> {
    this.reads.history += 1;
    if (this.historyFailure !== null) throw this.historyFailure;
    return this.history;
  }
  /** The `onReplace` listeners registered now. */
  readonly replaceListeners = new Set<ReplaceListener>();
  onReplace(listener: ReplaceListener): () => void {
    this.replaceListeners.add(listener);
    return () => void this.replaceListeners.delete(listener);
  }
  /** Calls every `onReplace` listener with `event`, as the real manager does after replacing local data. */
  async emitReplace(event: ReplaceEvent): Promise<void> {
    for (const listener of [...this.replaceListeners]) await listener(event);
  }
  async forget(): Promise<void> {}
  async restoreBackup(id: string): Promise<void> {
    this.calls.push({ method: 'restoreBackup', id });
    await this.call();
  }

  private call(): Promise<void> {
    if (this.settleAtOnce) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }
}
