// Imported by the Worker's dev route and by scripts/token.mjs (Node strips the types), so it
// imports nothing but jose and uses only erasable TypeScript.
import { SignJWT } from 'jose';

/** Lifetime of a dev token unless asked otherwise: 24 hours. */
export const DEV_TOKEN_TTL_SECONDS = 24 * 60 * 60;

/** What a dev token says about its holder. */
export interface DevTokenClaims {
  sub: string;
  subscriptions: string[];
}

/**
 * Signs an HS256 JWT with the dev secret, as `npm run token` and `GET /__dev/token` hand out.
 *
 * @example
 * await signDevToken(secret, { sub: 'alice', subscriptions: ['taco_club'] })
 */
export function signDevToken(
  secret: string,
  claims: DevTokenClaims,
  ttlSeconds: number = DEV_TOKEN_TTL_SECONDS,
  now: Date = new Date(),
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ subscriptions: claims.subscriptions })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}
