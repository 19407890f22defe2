import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { isValidUserId } from '../../sdk/contract/index.js';
import type { WorkerConfig } from './config.js';
import { HttpError, unavailableError } from './http-error.js';
import { isKeySourceError, withFailureCooldown } from './jwks-cooldown.js';

/** Algorithms accepted with the shared secret (dev, or a simple production setup). */
export const SECRET_ALGORITHMS = ['HS256'];
/** Algorithms accepted from a JWKS: asymmetric only, so no HS/RS confusion is possible. */
export const JWKS_ALGORITHMS = ['RS256', 'ES256'];

/** Who is calling, from a verified token. */
export interface Caller {
  /** The JWT `sub`, already validated as safe for an R2 key segment. */
  userId: string;
  /** The `subscriptions` claim (strings only; empty when absent). */
  subscriptions: string[];
  /** When the token expires (its `exp`), in ms since the epoch: a live socket is closed then. */
  expiresAtMs: number;
}

/** Verifies a bearer token at a given time and returns the caller. */
export type TokenVerifier = (token: string, now: Date) => Promise<Caller>;

// One key set per URL for the isolate's life, so jose's cache and cooldown work across requests.
const remoteKeySets = new Map<string, JWTVerifyGetKey>();

function remoteKeySet(url: URL): JWTVerifyGetKey {
  let keySet = remoteKeySets.get(url.href);
  if (!keySet) {
    keySet = withFailureCooldown(createRemoteJWKSet(url));
    remoteKeySets.set(url.href, keySet);
  }
  return keySet;
}

const secretKey = (secret: string): JWTVerifyGetKey => {
  const bytes = new TextEncoder().encode(secret);
  return () => bytes;
};

const unauthorized = (message: string): HttpError => new HttpError('UNAUTHORIZED', message);

/**
 * Builds the token verifier for a configuration: HS256 with `JWT_SECRET`, or RS256/ES256 against
 * `JWT_JWKS_URL` alone (the key set is fetched and cached by jose). `exp` is required, `nbf`
 * honoured, both with the configured clock tolerance; `iss`/`aud` checked when configured (`aud`
 * always is with a JWKS).
 *
 * @throws HttpError UNAUTHORIZED for any token that does not verify or has a bad `sub`;
 * UNAVAILABLE when the JWKS cannot be fetched; INTERNAL when no key is configured.
 */
export function createTokenVerifier(config: WorkerConfig): TokenVerifier {
  const { keys } = config;
  if (keys.kind === 'none') {
    return () => {
      console.error('Configuration error: neither JWT_SECRET nor JWT_JWKS_URL is set');
      throw new HttpError('INTERNAL', 'Internal error');
    };
  }
  const getKey = keys.kind === 'secret' ? secretKey(keys.secret) : remoteKeySet(keys.url);
  const algorithms = keys.kind === 'secret' ? SECRET_ALGORITHMS : JWKS_ALGORITHMS;

  return async (token, now) => {
    // Compact JWS is unpadded base64url (RFC 7515 §2); jose would accept a padded signature.
    if (token.includes('=')) throw unauthorized('Invalid token');
    let payload: JWTPayload;
    try {
      const options = {
        algorithms,
        requiredClaims: ['exp'],
        currentDate: now,
        clockTolerance: config.clockToleranceSeconds,
        issuer: config.issuer,
        audience: config.audience,
      };
      ({ payload } = await jwtVerify(token, getKey, options));
    } catch (error) {
      // The key source failing is ours (or the IdP's), not the caller's: 503, not 401.
      if (keys.kind === 'jwks' && isKeySourceError(error)) {
        console.error('Could not fetch the JWKS', error);
        throw unavailableError('Could not fetch the token signing keys, retry shortly');
      }
      if (error instanceof errors.JWTExpired) throw unauthorized('Token expired');
      if (error instanceof errors.JOSEError) throw unauthorized('Invalid token');
      throw error;
    }
    if (!isValidUserId(payload.sub)) throw unauthorized('Token `sub` is missing or not a valid user id');
    const subscriptions = Array.isArray(payload.subscriptions)
      ? payload.subscriptions.filter((s): s is string => typeof s === 'string')
      : [];
    return { userId: payload.sub, subscriptions, expiresAtMs: payload.exp! * 1000 };
  };
}

/**
 * Reads the bearer token of a request.
 *
 * @throws HttpError UNAUTHORIZED when there is no `Authorization: Bearer <token>` header.
 */
export function bearerToken(request: Request): string {
  const match = /^Bearer +(\S+)\s*$/i.exec(request.headers.get('Authorization') ?? '');
  if (!match?.[1]) throw unauthorized('Missing bearer token');
  return match[1];
}
