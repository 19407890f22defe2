import { describe, expect, it } from 'vitest';
import { formatTimeAgo } from './relative-time.js';

const NOW = Date.parse('2026-11-10T12:00:00Z');
const ago = (ms: number): string => formatTimeAgo(new Date(NOW - ms).toISOString(), NOW);

describe('formatTimeAgo', () => {
  it.each([
    [10_000, 'just now'],
    [50_000, '1 min ago'],
    [2 * 60_000 + 59_000, '2 min ago'],
    [59 * 60_000 + 59_000, '59 min ago'],
    [3 * 3_600_000 + 10 * 60_000, '3 h ago'],
    [30 * 3_600_000, 'yesterday'],
    [4 * 86_400_000, '4 days ago'],
    [30 * 86_400_000, 'on 11 Oct 2026'],
  ])('says %i ms ago is "%s"', (ms, phrase) => {
    expect(ago(ms)).toBe(phrase);
  });

  it('reads a time slightly in the future as just now', () => {
    expect(ago(-5_000)).toBe('just now');
  });

  it('returns an empty string for a date it cannot read', () => {
    expect(formatTimeAgo('not a date', NOW)).toBe('');
  });
});
