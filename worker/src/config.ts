import { DEFAULT_SYNC_APPS, isValidAppName } from '../../sdk/contract/index.js';

/** Default body limit: 10 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * The environment the Worker reads: bindings from wrangler.toml plus secrets. Everything but the
 * bucket is optional so production can choose between `JWT_SECRET` and `JWT_JWKS_URL`.
 */
export interface WorkerEnv {
  BACKUPS: R2Bucket;
  SYNC_APPS?: string;
  ALLOWED_ORIGINS?: string;
  MAX_BODY_BYTES?: string;
  JWT_SECRET?: string;
  JWT_JWKS_URL?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  DEV_MODE?: string;
}

/** How tokens are verified: HS256 with a shared secret, or RS256/ES256 against a remote JWKS. */
export type TokenKeys = { kind: 'secret'; secret: string } | { kind: 'jwks'; url: URL } | { kind: 'none' };

/** The parsed configuration. */
export interface WorkerConfig {
  /** Apps served (`SYNC_APPS`), each a valid app name. */
  apps: readonly string[];
  /** Origins whose requests get `Access-Control-Allow-Origin` (`ALLOWED_ORIGINS`). */
  allowedOrigins: readonly string[];
  maxBodyBytes: number;
  keys: TokenKeys;
  issuer?: string;
  audience?: string;
  /** Whether the `/__dev/*` routes exist (`DEV_MODE === 'true'`, never in production). */
  devMode: boolean;
}

const list = (value: string | undefined): string[] =>
  (value ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');

/**
 * `ALLOWED_ORIGINS` alone, which never fails to parse: CORS headers can then go on every answer,
 * a 500 for a broken configuration included, so a browser can read it.
 */
export function allowedOriginsOf(env: WorkerEnv): readonly string[] {
  return list(env.ALLOWED_ORIGINS);
}

const optional = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);

/**
 * Parses the environment into a {@link WorkerConfig}.
 *
 * @throws Error when `SYNC_APPS` names an invalid app, `MAX_BODY_BYTES` is not a positive
 * integer or `JWT_JWKS_URL` is not a URL (a deployment mistake, reported as a 500).
 */
export function parseConfig(env: WorkerEnv): WorkerConfig {
  const apps = env.SYNC_APPS === undefined ? [...DEFAULT_SYNC_APPS] : list(env.SYNC_APPS);
  const badApp = apps.find((app) => !isValidAppName(app));
  if (badApp !== undefined) throw new Error(`SYNC_APPS names an invalid app: ${JSON.stringify(badApp)}`);

  const maxBodyBytes = env.MAX_BODY_BYTES === undefined ? DEFAULT_MAX_BODY_BYTES : Number(env.MAX_BODY_BYTES);
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new Error(`MAX_BODY_BYTES must be a positive integer, got ${JSON.stringify(env.MAX_BODY_BYTES)}`);
  }

  const jwksUrl = optional(env.JWT_JWKS_URL);
  const secret = optional(env.JWT_SECRET);
  // A JWKS, when configured, is the only key source: a leftover dev secret must not also verify.
  const keys: TokenKeys = jwksUrl
    ? { kind: 'jwks', url: new URL(jwksUrl) }
    : secret
      ? { kind: 'secret', secret }
      : { kind: 'none' };

  return {
    apps,
    allowedOrigins: allowedOriginsOf(env),
    maxBodyBytes,
    keys,
    issuer: optional(env.JWT_ISSUER),
    audience: optional(env.JWT_AUDIENCE),
    devMode: env.DEV_MODE === 'true',
  };
}
