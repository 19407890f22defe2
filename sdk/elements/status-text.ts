import type { SyncState } from '../core/sync-state.js';
import { describeSyncError } from './error-text.js';
import { formatTimeAgo } from './relative-time.js';

/** The colour family a status is shown in. */
export type StatusTone = 'success' | 'info' | 'warning' | 'danger' | 'neutral';

/** What a person reads about a {@link SyncState}. */
export interface StatusText {
  /** The colour family to show it in. */
  tone: StatusTone;
  /** A word or two: `Synced`, `Changes waiting`, `Offline`. */
  label: string;
  /** One or two sentences of detail in plain words: when it last synced, why it is off, what failed. */
  detail: string;
  /**
   * The technical detail behind `detail` for developers (error code and message, the gating reason),
   * or null when there is none. `<taco-sync-status>` puts it in a tooltip.
   */
  technical: string | null;
  /** Why "Sync now" cannot run in this state, or null when it can. */
  syncNowBlockedReason: string | null;
  /** A sentence offering a reload when `state.reloadReason` is set, else null. */
  reloadOffer: string | null;
  /** A sentence about `state.localStateProblem` when it is set, else null. */
  localStateNote: string | null;
}

const RELOAD_OFFERS: Record<NonNullable<SyncState['reloadReason']>, string> = {
  'newer-data': 'Newer data from another device is ready. Reload to see it before you change anything.',
  replaced: 'Your data was updated since this page loaded. Reload to see the current data.',
};

const LOCAL_STATE_NOTE =
  'Sync cannot keep its notes on this device (its storage is full or blocked). It keeps working while this page is open.';

/**
 * Describes a sync state in plain English, as `<taco-sync-status>` shows it. Useful for a custom badge
 * that should read the same way. "Changes waiting" is said only when there are unsynced changes
 * (`pendingSince` is set); errors are in plain words (see {@link describeSyncError}), with the
 * technical message in `technical`.
 *
 * @param state - The manager's state.
 * @param now - The current time in ms, for "last synced 2 min ago".
 *
 * @example
 * describeSyncState(manager.getState()).label; // 'Synced'
 */
export function describeSyncState(state: SyncState, now: number = Date.now()): StatusText {
  const extras = {
    reloadOffer: state.reloadReason ? RELOAD_OFFERS[state.reloadReason] : null,
    localStateNote: state.localStateProblem ? LOCAL_STATE_NOTE : null,
  };
  const status = describeStatus(state, now);
  // The data synced, but this page shows an older copy: that, not "Synced", is what a person needs.
  if (state.status === 'synced' && state.reloadReason)
    return { ...status, tone: 'info', label: 'Update ready', ...extras };
  return { ...status, ...extras };
}

type StatusPart = Omit<StatusText, 'reloadOffer' | 'localStateNote'>;

function describeStatus(state: SyncState, now: number): StatusPart {
  const lastSynced = state.lastSyncedAt ? `Last synced ${formatTimeAgo(state.lastSyncedAt, now)}.` : 'Not synced yet.';
  const retrying = state.nextRetryAt ? ' Retrying automatically.' : '';
  const failure = state.error ? describeSyncError(state.error) : null;
  switch (state.status) {
    case 'disabled':
      return {
        tone: 'neutral',
        label: 'Sync off',
        detail: `${disabledText(state.disabledReason)}${state.pendingSince ? ' Your changes are kept on this device.' : ''}`,
        technical: state.disabledReason || null,
        syncNowBlockedReason: 'Sync is turned off.',
      };
    case 'idle':
      return {
        tone: 'neutral',
        label: state.pendingSince ? 'Changes waiting' : 'Not syncing',
        detail: lastSynced,
        technical: null,
        syncNowBlockedReason: null,
      };
    case 'pending':
      return describePending(state, lastSynced, failure, retrying);
    case 'syncing':
      return {
        tone: 'info',
        label: 'Syncing…',
        detail: lastSynced,
        technical: null,
        syncNowBlockedReason: 'A sync is running.',
      };
    case 'synced':
      return { tone: 'success', label: 'Synced', detail: lastSynced, technical: null, syncNowBlockedReason: null };
    case 'offline':
      return {
        tone: 'neutral',
        label: 'Offline',
        detail: state.pendingSince
          ? 'Your changes are saved on this device and will sync when you are back online.'
          : `${lastSynced} Will sync when you are back online.`,
        technical: null,
        syncNowBlockedReason: 'You are offline.',
      };
    case 'conflict':
      return {
        tone: 'warning',
        label: 'Needs your choice',
        detail: 'This device and the server both changed. Choose which copy to keep.',
        technical: null,
        syncNowBlockedReason: 'Choose which copy to keep first.',
      };
    case 'error':
      return {
        tone: 'danger',
        label: 'Sync failed',
        detail: `${failure?.text ?? 'Something went wrong.'}${retrying}`,
        technical: failure?.technical ?? null,
        syncNowBlockedReason: null,
      };
  }
}

/** Pending: changes waiting, or a check being retried with nothing of this device's to send (then no "Changes waiting"). */
function describePending(
  state: SyncState,
  lastSynced: string,
  failure: ReturnType<typeof describeSyncError> | null,
  retrying: string,
): StatusPart {
  const retried = failure ? `${failure.text}${retrying || ' Will try again.'}` : null;
  if (state.pendingSince)
    return {
      tone: 'warning',
      label: 'Changes waiting',
      detail: retried ?? lastSynced,
      technical: failure?.technical ?? null,
      syncNowBlockedReason: null,
    };
  if (failure)
    return {
      tone: 'neutral',
      label: 'Retrying',
      detail: retried!,
      technical: failure.technical,
      syncNowBlockedReason: null,
    };
  return {
    tone: 'neutral',
    label: state.lastSyncedAt ? 'Synced' : 'Not synced yet',
    detail: lastSynced,
    technical: null,
    syncNowBlockedReason: null,
  };
}

// The manager's reason names subscriptions (`sync_tenure`) for developers; a person reads which of
// the two cases it is.
function disabledText(reason: string | undefined): string {
  if (!reason || /not signed in|signed out/i.test(reason)) return 'You are not signed in.';
  return 'Your account does not include sync for this app.';
}
