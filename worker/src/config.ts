import {
  DEFAULT_MAX_STORED_BYTES,
  DEFAULT_SYNC_APPS,
  isValidAppName,
  PUSH_ENVELOPE_MAX_BYTES,
} from '../../sdk/contract/index.js';
import { unsafeKeysReason } from './config-checks.js';
import { HttpError } from './http-error.js';
import { parseOrigin } from './origins.js';

/** Default body limit: 10 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Default leeway for a token's `exp` and `nbf`, since identity providers' clocks drift: 30 s. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
/** The most leeway `JWT_CLOCK_TOLERANCE_SECONDS` may give: 5 minutes, so no setting keeps expired tokens alive for long. */
export const MAX_CLOCK_TOLERANCE_SECONDS = 300;

/** Settings wrangler.toml does not declare: secrets (`wrangler secret put`) and optional vars. */
interface OperatorSettings {
  MAX_STORED_BYTES?: string;
  JWT_SECRET?: string;
  JWT_JWKS_URL?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  JWT_CLOCK_TOLERANCE_SECONDS?: string;
}

/**
 * The environment the Worker reads: the bindings and vars of wrangler.toml as `wrangler types`
 * generates them (`Env` in worker/worker-configuration.d.ts, `npm run types:worker`), plus the
 * settings the toml does not declare. Everything but the bucket is optional: an operator may leave
 * out the rate limits (rate-limit.ts) or the live rooms (DESIGN §9), and production chooses between
 * `JWT_SECRET` and `JWT_JWKS_URL`.
 */
export type WorkerEnv = Pick<Env, 'BACKUPS'> & Partial<Omit<Env, 'BACKUPS'>> & OperatorSettings;

/** How tokens are verified: HS256 with a shared secret, or RS256/ES256 against a remote JWKS. */
export type TokenKeys = { kind: 'secret'; secret: string } | { kind: 'jwks'; url: URL } | { kind: 'none' };

/** The parsed configuration. */
export interface WorkerConfig {
  /** Apps served (`SYNC_APPS`), each a valid app name. */
  apps: readonly string[];
  /** Origins whose requests get `Access-Control-Allow-Origin` (`ALLOWED_ORIGINS`, each as browsers send it). */
  allowedOrigins: readonly string[];
  maxBodyBytes: number;
  /** The most bytes of canonical JSON stored for one user's app (`MAX_STORED_BYTES`); a full push of it fits `maxBodyBytes`. */
  maxStoredBytes: number;
  keys: TokenKeys;
  issuer?: string;
  /** The `aud` tokens must carry (`JWT_AUDIENCE`); always set when tokens are verified against a JWKS. */
  audience?: string;
  /** Leeway in seconds for `exp` and `nbf` (`JWT_CLOCK_TOLERANCE_SECONDS`, default 30). */
  clockToleranceSeconds: number;
  /**
   * Dev mode (`DEV_MODE === 'true'`, set only by `--env dev`): the `/__dev/*` routes exist, any
   * valid app name is served and any localhost origin is allowed. Never in production.
   */
  devMode: boolean;
}

/**
 * A deployment mistake in the Worker's variables. Its message names the variable (never a
 * secret's value) and goes to the log only: a caller gets a generic 500 `INTERNAL`, since a
 * description of the configuration helps an attacker more than a user (DESIGN §11).
 */
export class ConfigError extends Error {
  constructor(detail: string) {
    super(`Configuration error: ${detail}`);
    this.name = 'ConfigError';
  }
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/**
 * What CORS needs, read leniently (entries that are not origins are skipped, not refused): CORS
 * headers can then go on every answer, the 500 for a broken configuration included, so a browser
 * of an allowed origin can read it.
 */
export function corsConfigOf(env: WorkerEnv): Pick<WorkerConfig, 'allowedOrigins' | 'devMode'> {
  return {
    allowedOrigins: list(env.ALLOWED_ORIGINS).flatMap((entry) => parseOrigin(entry) ?? []),
    devMode: env.DEV_MODE === 'true',
  };
}

/** Whether the Worker serves `app`: a valid app name in `SYNC_APPS`, or any valid app name in dev mode. */
export function servesApp(config: Pick<WorkerConfig, 'apps' | 'devMode'>, app: string | undefined): app is string {
  return isValidAppName(app) && (config.devMode || config.apps.includes(app));
}

const optional = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);

/**
 * Parses the environment into a {@link WorkerConfig}.
 *
 * @throws ConfigError when `SYNC_APPS` names an invalid app, an `ALLOWED_ORIGINS` entry is not an
 * origin, `MAX_BODY_BYTES` is not a positive integer, `MAX_STORED_BYTES` is not one that a full push
 * within `MAX_BODY_BYTES` can carry, or `JWT_JWKS_URL` is not a URL.
 * @throws ConfigError when `JWT_JWKS_URL` comes without `JWT_AUDIENCE`, or
 * `JWT_CLOCK_TOLERANCE_SECONDS` is not a whole number from 0 to 300.
 * @throws ConfigError outside dev mode when the token keys are unsafe (`unsafeKeysReason`: a
 * short or published `JWT_SECRET`, a `JWT_JWKS_URL` that is not https).
 */
export function parseConfig(env: WorkerEnv): WorkerConfig {
  const apps = env.SYNC_APPS === undefined ? [...DEFAULT_SYNC_APPS] : list(env.SYNC_APPS);
  const badApp = apps.find((app) => !isValidAppName(app));
  if (badApp !== undefined) throw new ConfigError(`SYNC_APPS names an invalid app: ${JSON.stringify(badApp)}`);

  const notOrigin = list(env.ALLOWED_ORIGINS).find((entry) => parseOrigin(entry) === null);
  if (notOrigin !== undefined) {
    throw new ConfigError(
      `ALLOWED_ORIGINS entry ${JSON.stringify(notOrigin)} is not an origin (scheme://host[:port], e.g. "https://app.example.com")`,
    );
  }

  const maxBodyBytes = env.MAX_BODY_BYTES === undefined ? DEFAULT_MAX_BODY_BYTES : Number(env.MAX_BODY_BYTES);
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new ConfigError(`MAX_BODY_BYTES must be a positive integer, got ${JSON.stringify(env.MAX_BODY_BYTES)}`);
  }

  const jwksUrl = optional(env.JWT_JWKS_URL);
  const secret = optional(env.JWT_SECRET);
  // A JWKS, when configured, is the only key source: a leftover dev secret must not also verify.
  const keys: TokenKeys = jwksUrl
    ? { kind: 'jwks', url: urlOf('JWT_JWKS_URL', jwksUrl) }
    : secret
      ? { kind: 'secret', secret }
      : { kind: 'none' };
  const audience = optional(env.JWT_AUDIENCE);
  // One identity provider signs tokens for many apps: without an audience, any of them would pass.
  if (keys.kind === 'jwks' && audience === undefined)
    throw new ConfigError(
      'JWT_AUDIENCE must be set with JWT_JWKS_URL (the `aud` your identity provider puts in tokens for this Worker)',
    );
  const clockToleranceSeconds = clockToleranceOf(env.JWT_CLOCK_TOLERANCE_SECONDS);
  const unsafe = env.DEV_MODE === 'true' ? null : unsafeKeysReason(keys);
  if (unsafe !== null) throw new ConfigError(unsafe);

  return {
    apps,
    ...corsConfigOf(env),
    maxBodyBytes,
    maxStoredBytes: maxStoredBytesOf(env.MAX_STORED_BYTES, maxBodyBytes),
    keys,
    issuer: optional(env.JWT_ISSUER),
    audience,
    clockToleranceSeconds,
  };
}

/** `MAX_STORED_BYTES`, default the contract's, never more than a full push within `maxBodyBytes` can carry. */
function maxStoredBytesOf(value: string | undefined, maxBodyBytes: number): number {
  // A body limit below the envelope's room is a test's or a toy's: the body limit alone then bounds the data.
  const carried = maxBodyBytes > PUSH_ENVELOPE_MAX_BYTES ? maxBodyBytes - PUSH_ENVELOPE_MAX_BYTES : maxBodyBytes;
  const text = optional(value);
  if (text === undefined) return Math.min(DEFAULT_MAX_STORED_BYTES, carried);
  const bytes = Number(text);
  if (!Number.isSafeInteger(bytes) || bytes <= 0 || bytes > carried) {
    throw new ConfigError(
      `MAX_STORED_BYTES must be a positive integer of at most ${carried} (MAX_BODY_BYTES less ${PUSH_ENVELOPE_MAX_BYTES} for the push's other fields), so a full push can carry the data, got ${JSON.stringify(value)}`,
    );
  }
  return bytes;
}

function clockToleranceOf(value: string | undefined): number {
  const text = optional(value);
  const seconds = text === undefined ? DEFAULT_CLOCK_TOLERANCE_SECONDS : Number(text);
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds > MAX_CLOCK_TOLERANCE_SECONDS) {
    throw new ConfigError(
      `JWT_CLOCK_TOLERANCE_SECONDS must be a whole number of seconds from 0 to ${MAX_CLOCK_TOLERANCE_SECONDS}, got ${JSON.stringify(value)}`,
    );
  }
  return seconds;
}

function urlOf(name: string, value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a URL: ${JSON.stringify(value)}`);
  }
}
