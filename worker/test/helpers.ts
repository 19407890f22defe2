import { env, exports } from 'cloudflare:workers';
import { SignJWT } from 'jose';
import { afterEach, beforeEach, vi, type MockInstance } from 'vitest';
import { canonicalJson, checksum, snapshotFromEntries, type Snapshot } from '../../sdk/contract/index.js';
import type { WorkerEnv } from '../src/config.js';
import { signDevToken } from '../src/dev-token.js';
import { createWorker } from '../src/index.js';

/** The test environment: `[env.dev]` of wrangler.toml (dev mode, the dev secret, the local R2 bucket). */
export const testEnv: WorkerEnv = env;
/** A secret production accepts, for {@link strictEnv}: outside dev mode the published dev secret is refused. */
export const STRICT_SECRET = 'strict-mode-test-secret-that-is-long-enough-0123456789';
/**
 * The test environment without dev mode: `SYNC_APPS`, `ALLOWED_ORIGINS` and the secret checks are
 * as strict as in production. Its tokens come from {@link strictTokenFor}.
 */
export const strictEnv: WorkerEnv = { ...env, DEV_MODE: undefined, JWT_SECRET: STRICT_SECRET };
const strictWorker = createWorker();
export const DEV_SECRET = env.JWT_SECRET ?? '';
export const ORIGIN = 'http://127.0.0.1:8787';

/** A fresh user id per test, so tests never see each other's R2 objects. */
export function newUser(label = 'user'): string {
  return `${label}-${crypto.randomUUID()}`;
}

/** An HS256 token from the dev secret, valid for an hour. */
export function tokenFor(sub: string, subscriptions: string[] = ['taco_club']): Promise<string> {
  return signDevToken(DEV_SECRET, { sub, subscriptions }, 3600);
}

/** An HS256 token for {@link strictEnv}, valid for an hour. */
export function strictTokenFor(sub: string, subscriptions: string[] = ['taco_club']): Promise<string> {
  return signDevToken(STRICT_SECRET, { sub, subscriptions }, 3600);
}

/** Signs arbitrary claims with the dev secret (for tokens the happy path never makes). */
export function signClaims(claims: Record<string, unknown>, secret = DEV_SECRET): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * Calls the deployed-shape Worker (`exports.default`), a black box; with `strict: true`, the same
 * Worker with dev mode off ({@link strictEnv}).
 */
export function call(path: string, init: RequestInit & { token?: string; strict?: boolean } = {}): Promise<Response> {
  const { token, strict, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token !== undefined) headers.set('Authorization', `Bearer ${token}`);
  const request = new Request(`http://x${path}`, { ...rest, headers });
  return strict ? strictWorker.fetch(request, strictEnv) : exports.default.fetch(request);
}

/** A well-formed push body for `data` against `version` (with the device's human name, if given). */
export async function pushBody(data: Snapshot, version: number, deviceId = 'device-a', deviceName?: string) {
  return {
    data,
    version,
    checksum: await checksum(data),
    deviceId,
    timestamp: '2026-11-25T10:00:00.000Z',
    ...(deviceName === undefined ? {} : { deviceName }),
  };
}

/** A snapshot with the given entries (prototype-free). */
export const snap = (entries: Record<string, string>): Snapshot => snapshotFromEntries(Object.entries(entries));

export const canonicalOf = canonicalJson;

/** POSTs a push through the black box. */
export async function push(
  token: string,
  app: string,
  data: Snapshot,
  version: number,
  deviceId = 'device-a',
  deviceName?: string,
): Promise<Response> {
  return call(`/api/sync/${app}/push`, {
    method: 'POST',
    token,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(await pushBody(data, version, deviceId, deviceName)),
  });
}

/** Every key under a user's prefix with its size and etag, to prove nothing was written. */
export async function listUser(userId: string): Promise<string[]> {
  const listed = await env.BACKUPS.list({ prefix: `sync/${userId}/` });
  return listed.objects.map((o) => `${o.key} ${o.size} ${o.etag}`).sort();
}

/** The body of an R2 object as text, or null. */
export async function storedText(key: string): Promise<string | null> {
  const object = await env.BACKUPS.get(key);
  return object ? object.text() : null;
}

/** Reads a JSON response body. */
export async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

/**
 * For tests that cause failures on purpose: the Worker logs them with console.error, which is
 * expected, so it is captured (and can be asserted on) instead of flooding the output.
 */
export function captureErrorLogs(): { calls: () => unknown[][] } {
  let spy: MockInstance<typeof console.error> | undefined;
  beforeEach(() => {
    spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    spy?.mockRestore();
  });
  return { calls: () => spy?.mock.calls ?? [] };
}
