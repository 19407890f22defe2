/** First retry waits up to this long. */
export const BACKOFF_BASE_MS = 1_000;
/** No retry waits longer than this (5 minutes), whatever the attempt. */
export const BACKOFF_CAP_MS = 300_000;

/**
 * How long to wait before retry number `attempt` (0 for the first retry): exponential backoff with
 * full jitter, `random() * min(cap, base * 2^attempt)`. When the server sent `Retry-After`, the
 * wait is never shorter than it: `max(retryAfterMs, jittered)` (the server knows when it can take
 * the request again; the jitter still spreads clients that were told the same time), and never
 * longer than the cap: a `Retry-After: 86400` waits 5 minutes, not a day (DESIGN §7.6).
 *
 * @param attempt - how many retries came before this one.
 * @param random - a number in [0, 1), `Math.random` in production.
 * @param retryAfterMs - the server's `Retry-After` in milliseconds, or null.
 * @example
 * backoffDelayMs(3, () => 0.5) // 4000: half of min(300000, 1000 * 2^3)
 */
export function backoffDelayMs(attempt: number, random: () => number, retryAfterMs: number | null = null): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.min(BACKOFF_CAP_MS, Math.max(retryAfterMs ?? 0, Math.floor(random() * ceiling)));
}
