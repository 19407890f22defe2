import { describe, expect, it } from 'vitest';
import { BACKOFF_CAP_MS, backoffDelayMs } from './backoff.js';

const always = (value: number) => () => value;

describe('backoffDelayMs', () => {
  it('grows exponentially from a 1 s base', () => {
    const ceilings = [0, 1, 2, 3, 4].map((attempt) => backoffDelayMs(attempt, always(0.999999)));
    expect(ceilings).toEqual([999, 1999, 3999, 7999, 15999]);
  });

  it('is capped at 5 minutes however many attempts came before', () => {
    expect(backoffDelayMs(9, always(0.999999))).toBe(Math.floor(0.999999 * BACKOFF_CAP_MS));
    expect(backoffDelayMs(60, always(0.999999))).toBeLessThan(BACKOFF_CAP_MS);
  });

  it('is jittered over the whole range (full jitter)', () => {
    expect(backoffDelayMs(4, always(0))).toBe(0);
    expect(backoffDelayMs(4, always(0.5))).toBe(8000);
    expect(backoffDelayMs(4, always(0.25))).toBe(4000);
  });

  it('never waits less than Retry-After', () => {
    expect(backoffDelayMs(0, always(0.5), 30_000)).toBe(30_000);
    expect(backoffDelayMs(8, always(0.5), 30_000)).toBe(128_000);
  });
});
