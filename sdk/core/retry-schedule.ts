import { backoffDelayMs } from './backoff.js';
import { NetworkError, ServerError, TokenError } from './errors.js';

/**
 * When the engine may ask the server again after failed syncs: the whole retry state, in one
 * immutable record that only the functions below make. Times are ms since the epoch.
 */
export interface RetrySchedule {
  /** Failed syncs since the last one the server answered: the backoff's exponent. */
  readonly attempt: number;
  /** When the next retry is due. */
  readonly retryAtMs: number;
  /** No sync sends anything before this: the retry that the server's last refusal set. */
  readonly notBeforeMs: number;
}

/** No failure since the last sync the server answered: anything may run at once. */
export const NO_RETRY: RetrySchedule = { attempt: 0, retryAtMs: 0, notBeforeMs: 0 };

/**
 * The schedule after a retryable failure at `nowMs`: the next retry after exponential backoff with
 * full jitter, never before a `Retry-After` the server gave ({@link backoffDelayMs}). When the
 * server refused (5xx, 429, a malformed answer), nothing is sent before that retry, whatever asks
 * (coming online, an edit, a return to the page), so a flapping connection asks no more often than
 * a stable one. When the network or the token failed, the server said nothing: coming online may
 * check at once.
 *
 * @param random - a number in [0, 1) for the jitter.
 */
export function retryAfterFailure(
  schedule: RetrySchedule,
  error: unknown,
  nowMs: number,
  random: () => number,
): RetrySchedule {
  const retryAfterMs = error instanceof ServerError ? error.retryAfterMs : null;
  const retryAtMs = Math.max(nowMs + backoffDelayMs(schedule.attempt, random, retryAfterMs), schedule.notBeforeMs);
  const refused = !(error instanceof NetworkError || error instanceof TokenError);
  return { attempt: schedule.attempt + 1, retryAtMs, notBeforeMs: refused ? retryAtMs : schedule.notBeforeMs };
}

/** How long a sync starting at `nowMs` waits before it sends anything (0: go now). */
export const retryWaitMs = (schedule: RetrySchedule, nowMs: number): number =>
  Math.max(0, schedule.notBeforeMs - nowMs);
