const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const JUST_NOW_MS = 45_000;
const DAYS_SHOWN_RELATIVE = 7;

/**
 * How long ago `iso` was, in short English: `just now`, `2 min ago`, `3 h ago`, `yesterday`,
 * `4 days ago`, then the date (`on 3 Mar 2026`). A time in the future (a clock a little ahead)
 * reads as `just now`.
 *
 * @param iso - An ISO timestamp.
 * @param now - The current time in ms (defaults to `Date.now()`).
 * @returns The phrase, or an empty string when `iso` is not a valid date.
 *
 * @example
 * formatTimeAgo('2026-01-01T10:00:00Z', Date.parse('2026-01-01T10:02:10Z')); // '2 min ago'
 */
export function formatTimeAgo(iso: string, now: number = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const elapsed = now - then;
  if (elapsed < JUST_NOW_MS) return 'just now';
  if (elapsed < HOUR_MS) return `${Math.max(1, Math.floor(elapsed / MINUTE_MS))} min ago`;
  if (elapsed < DAY_MS) return `${Math.floor(elapsed / HOUR_MS)} h ago`;
  const days = Math.floor(elapsed / DAY_MS);
  if (days === 1) return 'yesterday';
  if (days < DAYS_SHOWN_RELATIVE) return `${days} days ago`;
  return `on ${new Date(then).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })}`;
}

/**
 * The full local date and time of `iso`, for a tooltip beside a relative time.
 *
 * @returns The formatted date, or an empty string when `iso` is not a valid date.
 */
export function formatDateTime(iso: string): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  return new Date(then).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
