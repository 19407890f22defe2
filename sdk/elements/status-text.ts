import type { SyncState } from '../core/sync-state.js';
import { formatTimeAgo } from './relative-time.js';

/** The colour family a status is shown in. */
export type StatusTone = 'success' | 'info' | 'warning' | 'danger' | 'neutral';

/** What a person reads about a {@link SyncState}. */
export interface StatusText {
  /** The colour family to show it in. */
  tone: StatusTone;
  /** A word or two: `Synced`, `Changes waiting`, `Offline`. */
  label: string;
  /** One sentence of detail: when it last synced, why it is off, what failed. */
  detail: string;
  /** Why "Sync now" cannot run in this state, or null when it can. */
  syncNowBlockedReason: string | null;
}

/**
 * Describes a sync state in plain English, as `<taco-sync-status>` shows it. Useful for a custom badge
 * that should read the same way.
 *
 * @param state - The manager's state.
 * @param now - The current time in ms, for "last synced 2 min ago".
 *
 * @example
 * describeSyncState(manager.getState()).label; // 'Synced'
 */
export function describeSyncState(state: SyncState, now: number = Date.now()): StatusText {
  const lastSynced = state.lastSyncedAt
    ? `Last synced ${formatTimeAgo(state.lastSyncedAt, now)}.`
    : 'Not synced yet.';
  const retrying = state.nextRetryAt ? ' Retrying automatically.' : '';
  switch (state.status) {
    case 'disabled':
      return {
        tone: 'neutral',
        label: 'Sync off',
        detail: `${asSentence(state.disabledReason ?? 'Sync is not available for this account')}${
          state.pendingSince ? ' Your changes are kept on this device.' : ''
        }`,
        syncNowBlockedReason: 'Sync is turned off.',
      };
    case 'idle':
      return {
        tone: 'neutral',
        label: state.pendingSince ? 'Changes waiting' : 'Not syncing',
        detail: lastSynced,
        syncNowBlockedReason: null,
      };
    case 'pending':
      return {
        tone: 'warning',
        label: 'Changes waiting',
        detail: state.error ? `${asSentence(state.error.message)}${retrying || ' Will try again.'}` : lastSynced,
        syncNowBlockedReason: null,
      };
    case 'syncing':
      return { tone: 'info', label: 'Syncing…', detail: lastSynced, syncNowBlockedReason: 'A sync is running.' };
    case 'synced':
      return { tone: 'success', label: 'Synced', detail: lastSynced, syncNowBlockedReason: null };
    case 'offline':
      return {
        tone: 'neutral',
        label: 'Offline',
        detail: state.pendingSince
          ? 'Your changes are saved on this device and will sync when you are back online.'
          : `${lastSynced} Will sync when you are back online.`,
        syncNowBlockedReason: 'You are offline.',
      };
    case 'conflict':
      return {
        tone: 'warning',
        label: 'Needs your choice',
        detail: 'This device and the server both changed. Choose which copy to keep.',
        syncNowBlockedReason: 'Choose which copy to keep first.',
      };
    case 'error':
      return {
        tone: 'danger',
        label: 'Sync failed',
        detail: `${asSentence(state.error?.message ?? 'Something went wrong')}${retrying}`,
        syncNowBlockedReason: null,
      };
  }
}

/** Ends `text` with a full stop unless it already ends in punctuation, so sentences join cleanly. */
function asSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
