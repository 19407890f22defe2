import type { SyncErrorInfo } from '../core/sync-state.js';

/** What a person reads about a failure, and what a developer reads. */
export interface ErrorText {
  /** One or two sentences in plain words: what happened and what, if anything, to do. */
  text: string;
  /** The code and the original message (`NETWORK: TypeError: Failed to fetch`), for a tooltip or a details element. */
  technical: string;
}

// Chromium: "QuotaExceededError: Failed to execute 'setItem'...", Firefox: "NS_ERROR_DOM_QUOTA_REACHED",
// Safari: "QuotaExceededError: The quota has been exceeded."
const QUOTA_PATTERN = /quota/i;

const WORDS: Record<SyncErrorInfo['code'], string> = {
  NETWORK: 'Could not reach the sync server. Check your connection.',
  AUTH: 'Your sign-in was not accepted. Sign in again to sync.',
  FORBIDDEN: 'Your account does not include sync for this app.',
  NOT_FOUND: 'The sync server does not offer sync for this app. The app may be set up wrongly.',
  BAD_REQUEST: 'The sync server did not accept the data from this device.',
  CHECKSUM_MISMATCH: 'The data from this device arrived damaged at the sync server.',
  UNAUTHORIZED: 'Your sign-in was not accepted. Sign in again to sync.',
  CONFLICT: 'Another device synced different data first.',
  PATCH_REJECTED: 'The sync server could not apply the changes from this device.',
  PAYLOAD_TOO_LARGE: 'Your data is too large for the sync server.',
  UPGRADE_REQUIRED: 'The sync server expected a live connection.',
  RATE_LIMITED: 'The sync server is busy.',
  UNAVAILABLE: 'The sync server is not available right now.',
  INTERNAL: 'The sync server ran into a problem.',
  LIVE_DISABLED: 'The sync server does not send live updates; this device checks on its own.',
  LOCAL: 'Could not save the data on this device. Nothing was changed.',
};

/**
 * Says what a sync failure means in plain words, keeping the technical message for developers. The
 * elements show `text` and put `technical` in a tooltip or a details element, so a person never reads
 * "TypeError: Failed to fetch." or "HTTP 404." as the whole story.
 *
 * @param error - A state's `error` (`{ code, message }`), a rejected `SyncError` (it has both), or
 *   anything else a call rejected with (read as an unexpected failure).
 *
 * @example
 * describeSyncError({ code: 'NETWORK', message: 'TypeError: Failed to fetch' }).text;
 * // 'Could not reach the sync server. Check your connection.'
 */
export function describeSyncError(error: unknown): ErrorText {
  const { code, message } = codeAndMessage(error);
  const technical = code ? `${code}: ${message}` : message;
  if (code === 'LOCAL' && QUOTA_PATTERN.test(message)) {
    return { text: 'This device has no room left to save the data. Nothing was changed.', technical };
  }
  return { text: (code && WORDS[code]) || 'Something went wrong.', technical };
}

function codeAndMessage(error: unknown): { code: SyncErrorInfo['code'] | null; message: string } {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' && message ? message : String(error);
    return {
      code: typeof code === 'string' && Object.hasOwn(WORDS, code) ? (code as SyncErrorInfo['code']) : null,
      message: text,
    };
  }
  return { code: null, message: String(error) };
}
