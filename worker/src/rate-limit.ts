import { HttpError } from './http-error.js';

/** Cloudflare's rate limiting binding as the Worker uses it (`[[ratelimits]]` in wrangler.toml). */
export interface RateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/** The per-user limiters: every sync request counts against `requests`, pushes and DELETEs also against `writes`. */
export interface RateLimiters {
  requests?: RateLimiter;
  writes?: RateLimiter;
}

/**
 * Seconds a refused caller is told to wait: the binding's longest window (`period` is 10 or 60),
 * since the binding says only yes or no, not when its window rolls over.
 */
export const RATE_LIMIT_RETRY_AFTER_SECONDS = 60;

/** The bindings of an environment (absent ones are not checked: the simulation, a Worker without them). */
export function rateLimitersOf(env: {
  RATE_LIMIT_REQUESTS?: RateLimiter;
  RATE_LIMIT_WRITES?: RateLimiter;
}): RateLimiters {
  return { requests: env.RATE_LIMIT_REQUESTS, writes: env.RATE_LIMIT_WRITES };
}

const WRITE_METHODS = new Set(['POST', 'DELETE']);

/**
 * Counts a request of `userId` against the per-user limits, right after its token verified (DESIGN
 * §11). A limiter that fails is logged and let through: an outage of the limiter must not stop
 * every user's sync.
 *
 * @throws HttpError RATE_LIMITED (429) with `Retry-After` when the user is over a limit.
 */
export async function enforceRateLimits(limiters: RateLimiters, method: string, userId: string): Promise<void> {
  const applicable = [limiters.requests, WRITE_METHODS.has(method) ? limiters.writes : undefined];
  for (const limiter of applicable) {
    if (limiter && !(await allows(limiter, userId))) {
      throw new HttpError(
        'RATE_LIMITED',
        'Too many requests for this account; retry later',
        {},
        { 'Retry-After': String(RATE_LIMIT_RETRY_AFTER_SECONDS) },
      );
    }
  }
}

async function allows(limiter: RateLimiter, userId: string): Promise<boolean> {
  try {
    return (await limiter.limit({ key: userId })).success;
  } catch (error) {
    console.error('Rate limiter failed; request let through', error);
    return true;
  }
}
