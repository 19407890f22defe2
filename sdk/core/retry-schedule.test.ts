import { describe, expect, it } from 'vitest';
import { BACKOFF_CAP_MS } from './backoff.js';
import { BadResponseError, NetworkError, ServerError, TokenError } from './errors.js';
import { NO_RETRY, retryAfterFailure, retryWaitMs } from './retry-schedule.js';

const half = () => 0.5;
const NOW_MS = 1_000_000;
const unavailable = (retryAfterMs: number | null) => new ServerError('UNAVAILABLE', 'R2 failed', 503, retryAfterMs);
const offline = new NetworkError('NETWORK', 'Failed to fetch');

describe('retry schedule', () => {
  it('lets anything run at once before any failure', () => {
    expect(retryWaitMs(NO_RETRY, NOW_MS)).toBe(0);
  });

  it('backs off exponentially with each failure in a row', () => {
    let schedule = NO_RETRY;
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      schedule = retryAfterFailure(schedule, unavailable(null), NOW_MS, half);
      delays.push(schedule.retryAtMs - NOW_MS);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000]);
    expect(schedule.attempt).toBe(5);
  });

  it('holds every sync until the Retry-After the server gave, and retries no sooner', () => {
    const schedule = retryAfterFailure(
      NO_RETRY,
      new ServerError('RATE_LIMITED', 'slow down', 429, 60_000),
      NOW_MS,
      half,
    );
    expect(schedule.retryAtMs).toBe(NOW_MS + 60_000);
    expect(retryWaitMs(schedule, NOW_MS + 10_000)).toBe(50_000);
    expect(retryWaitMs(schedule, NOW_MS + 60_000)).toBe(0);
  });

  it('caps a Retry-After like the backoff: a day waits 5 minutes', () => {
    const schedule = retryAfterFailure(NO_RETRY, unavailable(86_400_000), NOW_MS, half);
    expect(schedule.retryAtMs).toBe(NOW_MS + BACKOFF_CAP_MS);
    expect(retryWaitMs(schedule, NOW_MS)).toBe(BACKOFF_CAP_MS);
  });

  it('after the server refused, holds every sync until the retry the backoff set', () => {
    for (const refusal of [unavailable(null), new BadResponseError('INTERNAL', 'not JSON')]) {
      const schedule = retryAfterFailure({ ...NO_RETRY, attempt: 4 }, refusal, NOW_MS, half);
      expect(schedule.retryAtMs).toBe(NOW_MS + 8_000);
      expect(retryWaitMs(schedule, NOW_MS + 1_000)).toBe(7_000);
    }
  });

  it('after the network or the token failed, lets a sync (coming online) ask at once', () => {
    for (const failure of [offline, new TokenError('AUTH', 'identity provider down')]) {
      const schedule = retryAfterFailure({ ...NO_RETRY, attempt: 4 }, failure, NOW_MS, half);
      expect(schedule.retryAtMs).toBe(NOW_MS + 8_000);
      expect(retryWaitMs(schedule, NOW_MS + 1_000)).toBe(0);
    }
  });

  it('keeps an earlier Retry-After through a network failure', () => {
    const limited = retryAfterFailure(NO_RETRY, unavailable(30_000), NOW_MS, half);
    const schedule = retryAfterFailure(limited, offline, NOW_MS + 1_000, half);
    expect(schedule.retryAtMs).toBe(NOW_MS + 30_000);
    expect(retryWaitMs(schedule, NOW_MS + 2_000)).toBe(28_000);
  });
});
