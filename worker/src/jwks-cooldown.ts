import { errors, type JWTVerifyGetKey } from 'jose';

/**
 * How long a key set that could not be fetched is not asked again: 10 s. jose's own
 * `cooldownDuration` starts only after a successful fetch, so a failing endpoint would otherwise
 * be fetched on every request (and on Workers every request's fetch is its own).
 */
export const JWKS_FAILURE_COOLDOWN_MS = 10_000;

// Failures of fetching the key set are ours (or the IdP's), not the caller's.
const KEY_SOURCE_ERROR_CODES = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);

/** Whether an error of jose's key lookup is the key source failing (a network error, a bad answer), not the token. */
export function isKeySourceError(error: unknown): boolean {
  return !(error instanceof errors.JOSEError) || KEY_SOURCE_ERROR_CODES.has(error.code);
}

/**
 * Wraps a remote key set so that after it failed to fetch, requests within
 * {@link JWKS_FAILURE_COOLDOWN_MS} fail at once with the same error instead of fetching again.
 */
export function withFailureCooldown(getKey: JWTVerifyGetKey, nowMs: () => number = Date.now): JWTVerifyGetKey {
  let failedAtMs = Number.NEGATIVE_INFINITY;
  let failure: unknown;
  return async (header, token) => {
    if (nowMs() - failedAtMs < JWKS_FAILURE_COOLDOWN_MS) throw failure;
    try {
      return await getKey(header, token);
    } catch (error) {
      if (isKeySourceError(error)) {
        failedAtMs = nowMs();
        failure = error;
      }
      throw error;
    }
  };
}
