import { decodeJwt } from 'jose';

/**
 * The `subscriptions` claim of a JWT, read without verifying it (the server verifies; the client
 * only needs to know whether to ask). Null when the token is not a JWT or has no such array.
 *
 * @example
 * subscriptionsFromToken(token) // ['sync_tenure']
 */
export function subscriptionsFromToken(token: string): unknown[] | null {
  try {
    const { subscriptions } = decodeJwt(token);
    return Array.isArray(subscriptions) ? subscriptions : null;
  } catch {
    return null;
  }
}
