import type { SyncRecord } from './sync-record-store.js';
import type { SyncErrorInfo, SyncState } from './sync-state.js';

/** Everything that changes a {@link SyncState}; the manager publishes nothing else. */
export type SyncEvent =
  /** The persisted record was read or written (this tab or another). */
  | { type: 'record'; record: SyncRecord }
  /** The app called `notifyChanged()` at `at` (ISO). */
  | { type: 'changed'; at: string }
  | { type: 'syncing' }
  /** A sync finished: synced, or pending when the record says so. */
  | { type: 'settled'; record: SyncRecord }
  /** Another tab wrote the record; `inSync` tells whether local data now equals the synced data. */
  | { type: 'tab-synced'; record: SyncRecord; inSync: boolean }
  /**
   * Enters `status` with what that status shows: the conflict, the error (and, while retrying in
   * `pending`, the next retry's time), or why sync is disabled. `idle` is a stopped manager.
   */
  | ({ type: 'enter'; status: 'conflict' | 'pending' | 'error' | 'disabled' | 'idle'; nextRetryAt?: string } & Pick<
      SyncState,
      'conflict' | 'error' | 'disabledReason'
    >)
  | { type: 'connectivity'; online: boolean }
  | { type: 'storage-persisted'; persisted: boolean | null }
  /** The page should be reloaded to show current data (DESIGN §7.4). */
  | { type: 'reload'; reason: 'newer-data' | 'replaced' }
  /** The sync record store failed: bookkeeping is held in memory for this page. */
  | { type: 'local-state-problem'; message: string }
  /** A user action failed: back to the state before it, with the error. */
  | { type: 'action-failed'; previous: SyncState; error: SyncErrorInfo };

/** The state of a manager that has not started. */
export function initialSyncState(online: boolean): SyncState {
  return {
    status: 'idle',
    version: 0,
    lastSyncedAt: null,
    pendingSince: null,
    online,
    nextRetryAt: null,
    storagePersisted: null,
    reloadReason: null,
    localStateProblem: null,
  };
}

const fromRecord = (state: SyncState, record: SyncRecord): SyncState => ({
  ...state,
  version: record.baseVersion,
  lastSyncedAt: record.lastSyncedAt,
  pendingSince: record.pendingSince,
});

/** Enters `status`, dropping what only another status carries (conflict, error, disabled reason, retry time). */
const enter = (state: SyncState, status: SyncState['status'], extra?: Partial<SyncState>): SyncState => {
  const { conflict: _c, error: _e, disabledReason: _d, ...rest } = state;
  return { ...rest, status, nextRetryAt: null, ...extra };
};

/** The one place state changes: the next state after `event`. */
export function reduceSyncState(state: SyncState, event: SyncEvent): SyncState {
  switch (event.type) {
    case 'record':
      return fromRecord(state, event.record);
    case 'changed': {
      const pendingSince = state.pendingSince ?? event.at;
      if (state.status === 'synced' || state.status === 'pending') return { ...state, status: 'pending', pendingSince };
      return pendingSince === state.pendingSince ? state : { ...state, pendingSince };
    }
    case 'syncing':
      return { ...state, status: 'syncing', nextRetryAt: null };
    case 'settled':
      return enter(fromRecord(state, event.record), event.record.pendingSince ? 'pending' : 'synced');
    case 'tab-synced': {
      const next = fromRecord(state, event.record);
      if (event.inSync && ['pending', 'synced', 'conflict', 'error'].includes(state.status))
        return enter(next, 'synced');
      return state.status === 'synced' && !event.inSync ? enter(next, 'pending') : next;
    }
    case 'enter': {
      const { type: _type, status, ...shown } = event;
      return enter(state, status, shown);
    }
    case 'connectivity':
      return event.online ? { ...state, online: true } : enter(state, 'offline', { online: false });
    case 'storage-persisted':
      return { ...state, storagePersisted: event.persisted };
    case 'reload':
      return { ...state, reloadReason: event.reason };
    case 'local-state-problem':
      return state.localStateProblem === event.message ? state : { ...state, localStateProblem: event.message };
    case 'action-failed':
      return { ...event.previous, error: event.error };
  }
}
