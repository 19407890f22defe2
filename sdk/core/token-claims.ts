type JWTPayload = Record<string, unknown>;

/**
 * A JWT's payload, decoded without verifying it; null when the token is not a compact JWS JWT.
 * Not jose's `decodeJwt`: jose builds a TextEncoder when its module loads, which Jest's jsdom
 * environment lacks, so importing the SDK there failed. atob and decodeURIComponent exist everywhere.
 */
const claimsOf = (token: string): JWTPayload | null => {
  try {
    const parts = token.split('.');
    if (parts.length !== 3 || !/^[\w-]+$/.test(parts[1] ?? '')) return null;
    const binary = atob(parts[1]!.replace(/-/g, '+').replace(/_/g, '/'));
    // decodeURIComponent decodes the UTF-8 bytes and throws on invalid ones, as a strict TextDecoder would.
    const json = decodeURIComponent(
      Array.from(binary, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
    );
    const payload: unknown = JSON.parse(json);
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as JWTPayload) : null;
  } catch {
    return null;
  }
};

/**
 * The `subscriptions` claim of a JWT, read without verifying it (the server verifies; the client
 * only needs to know whether to ask). Null when the token is not a JWT or has no such array.
 *
 * @example
 * subscriptionsFromToken(token) // ['sync_tenure']
 */
export function subscriptionsFromToken(token: string): unknown[] | null {
  const subscriptions = claimsOf(token)?.subscriptions;
  return Array.isArray(subscriptions) ? subscriptions : null;
}

/**
 * The account a JWT signs in: its `sub` claim, read without verifying it (the server verifies). The
 * SDK keeps its records, base snapshot and backups per account (DESIGN §7.1). A token without a
 * string `sub` reads as the empty string (one anonymous account).
 *
 * @example
 * subjectFromToken(token) // 'user-1'
 */
export function subjectFromToken(token: string): string {
  const sub = claimsOf(token)?.sub;
  return typeof sub === 'string' ? sub : '';
}
