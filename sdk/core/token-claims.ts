import { decodeJwt, type JWTPayload } from 'jose';

const claimsOf = (token: string): JWTPayload | null => {
  try {
    return decodeJwt(token);
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
