import type { TokenKeys } from './config.js';

/**
 * The dev secret published in `worker/wrangler.toml` (`[env.dev.vars]`): anyone can sign tokens
 * with it, so production refuses it whatever its length.
 */
export const PUBLISHED_DEV_SECRET = 'taco-sync-dev-secret-do-not-use-in-production';

/**
 * The shortest `JWT_SECRET` production accepts: 32 bytes (UTF-8), the 256 bits of HS256's hash
 * (RFC 7518 §3.2 requires a key at least that long). A short secret is recovered offline from one
 * token, and a forged token then reads any user's data.
 */
export const MIN_JWT_SECRET_BYTES = 32;

/**
 * Why the token keys are unsafe for production, or null when they are safe: a `JWT_SECRET` under
 * {@link MIN_JWT_SECRET_BYTES} bytes or equal to the published dev secret, a `JWT_JWKS_URL` that
 * is not `https:` (anyone on the path could then serve their own keys). The reason names the
 * variable, never its value; it is for the log, not for a caller.
 */
export function unsafeKeysReason(keys: TokenKeys): string | null {
  if (keys.kind === 'secret') {
    if (keys.secret === PUBLISHED_DEV_SECRET)
      return 'JWT_SECRET is the dev secret published in wrangler.toml; set your own with `wrangler secret put JWT_SECRET`';
    const bytes = new TextEncoder().encode(keys.secret).byteLength;
    if (bytes < MIN_JWT_SECRET_BYTES)
      return `JWT_SECRET is ${bytes} bytes; production needs at least ${MIN_JWT_SECRET_BYTES} random bytes (e.g. \`openssl rand -base64 48\`)`;
  }
  if (keys.kind === 'jwks' && keys.url.protocol !== 'https:') return 'JWT_JWKS_URL must be an https: URL';
  return null;
}
