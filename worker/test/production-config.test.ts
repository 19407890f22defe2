// Runs in the `worker-production` project: `env` is the top level of worker/wrangler.toml, exactly
// what `wrangler deploy -c worker/wrangler.toml` ships without flags.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { MIN_JWT_SECRET_BYTES, PUBLISHED_DEV_SECRET } from '../src/config-checks.js';
import { ConfigError, parseConfig, type WorkerEnv } from '../src/config.js';
import { createWorker } from '../src/index.js';
import { signDevToken } from '../src/dev-token.js';
import { captureErrorLogs, json, newUser } from './helpers.js';

const production: WorkerEnv = env;
/** What the operator adds with `wrangler secret put JWT_SECRET`. */
const withSecret: WorkerEnv = { ...production, JWT_SECRET: 'an-operator-secret-that-is-long-and-random' };
const tokenFor = (sub: string) => signDevToken(withSecret.JWT_SECRET!, { sub, subscriptions: ['taco_club'] }, 3600);

describe('the production configuration (top level of wrangler.toml)', () => {
  it('has no dev mode, no dev secret and no /__dev routes', async () => {
    expect(production.DEV_MODE).toBeUndefined();
    expect(production.JWT_SECRET).toBeUndefined();
    const response = await createWorker().fetch(
      new Request('http://x/__dev/token?sub=alice&subscriptions=taco_club'),
      production,
    );
    expect(response.status).toBe(404);
    expect(await json(response)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it.each(['http://localhost:5173', 'http://127.0.0.1:8787', 'http://localhost:8788'])(
    'refuses the localhost origin %s, preflight and request alike',
    async (origin) => {
      const worker = createWorker();
      const preflight = await worker.fetch(
        new Request('http://x/api/sync/tenure/push', {
          method: 'OPTIONS',
          headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
        }),
        withSecret,
      );
      expect(preflight.headers.get('Access-Control-Allow-Origin')).toBeNull();
      const response = await worker.fetch(
        new Request('http://x/api/sync/tenure/meta', {
          headers: { Origin: origin, Authorization: `Bearer ${await tokenFor(newUser())}` },
        }),
        withSecret,
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    },
  );

  it('refuses an app name that is valid but not in SYNC_APPS, and serves the listed ones', async () => {
    const worker = createWorker();
    const token = await tokenFor(newUser());
    const meta = (app: string) =>
      worker.fetch(
        new Request(`http://x/api/sync/${app}/meta`, { headers: { Authorization: `Bearer ${token}` } }),
        withSecret,
      );
    const notes = await meta('notes');
    expect(notes.status).toBe(404);
    expect(await json(notes)).toEqual({ error: 'Unknown app', code: 'NOT_FOUND' });
    expect((await meta('tenure')).status).toBe(200);
    expect((await meta('tempo')).status).toBe(200);
  });
});

describe('production refuses unsafe token keys at start-up, and a caller learns nothing about them', () => {
  const errorLogs = captureErrorLogs();
  const meta = async (config: WorkerEnv, token: string): Promise<Response> =>
    createWorker().fetch(
      new Request('http://x/api/sync/tenure/meta', { headers: { Authorization: `Bearer ${token}` } }),
      config,
    );

  it.each([
    ['the dev secret published in wrangler.toml', PUBLISHED_DEV_SECRET, 'dev secret'],
    ['a 3-byte secret', 'abc', 'JWT_SECRET is 3 bytes'],
    ['a 31-byte secret', 'x'.repeat(31), 'JWT_SECRET is 31 bytes'],
  ])(
    'refuses %s: start-up throws, every request answers a generic 500, the reason is in the log',
    async (_, secret, logged) => {
      const unsafe: WorkerEnv = { ...production, JWT_SECRET: secret };
      expect(() => parseConfig(unsafe)).toThrow(ConfigError);
      const response = await meta(
        unsafe,
        await signDevToken(secret, { sub: newUser(), subscriptions: ['taco_club'] }, 3600),
      );
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ error: 'Internal error', code: 'INTERNAL' });
      expect(text).not.toMatch(/JWT|secret|bytes|config/i);
      expect(String(errorLogs.calls().flat())).toContain(logged);
    },
  );

  it('refuses a JWT_JWKS_URL that is not https:, with a generic 500', async () => {
    const unsafe: WorkerEnv = { ...production, JWT_JWKS_URL: 'http://id.example/jwks.json', JWT_AUDIENCE: 'taco-sync' };
    expect(() => parseConfig(unsafe)).toThrow('JWT_JWKS_URL must be an https: URL');
    const response = await meta(unsafe, 'a.b.c');
    expect([response.status, await json(response)]).toEqual([500, { error: 'Internal error', code: 'INTERNAL' }]);
    expect(String(errorLogs.calls().flat())).toContain('JWT_JWKS_URL must be an https: URL');
  });

  it('accepts a secret of exactly 32 bytes', async () => {
    const secret = 's'.repeat(MIN_JWT_SECRET_BYTES);
    const response = await meta(
      { ...production, JWT_SECRET: secret },
      await signDevToken(secret, { sub: newUser(), subscriptions: ['taco_club'] }, 3600),
    );
    expect(response.status).toBe(200);
  });

  it('answers a missing key configuration with the same generic 500', async () => {
    const response = await meta(production, 'a.b.c');
    expect([response.status, await json(response)]).toEqual([500, { error: 'Internal error', code: 'INTERNAL' }]);
    expect(String(errorLogs.calls().flat())).toContain('neither JWT_SECRET nor JWT_JWKS_URL is set');
  });
});

describe('per-user rate limits: the top level’s defaults, with Cloudflare’s binding in workerd', () => {
  const worker = createWorker();
  const send = (token: string, method: 'DELETE' | 'GET') =>
    worker.fetch(
      new Request(`http://x/api/sync/tenure${method === 'GET' ? '/meta' : ''}`, {
        method,
        headers: { Authorization: `Bearer ${token}` },
      }),
      withSecret,
    );

  /** Sends until the first 429 (at most `most` requests); the statuses before it and the 429. */
  async function burst(token: string, method: 'DELETE' | 'GET', most: number) {
    const passed: number[] = [];
    for (let i = 0; i < most; i++) {
      const response = await send(token, method);
      if (response.status === 429) return { passed, refused: response };
      passed.push(response.status);
    }
    return { passed, refused: null };
  }

  it('answers a burst of writes from one token with 429 RATE_LIMITED and Retry-After; another user is unaffected', async () => {
    const { passed, refused } = await burst(await tokenFor(newUser()), 'DELETE', 60);
    // 12 writes a minute; the window is aligned to the clock, so a burst that straddles it passes up to twice that.
    expect(passed.length).toBeGreaterThanOrEqual(12);
    expect(passed.length).toBeLessThanOrEqual(24);
    expect(new Set(passed)).toEqual(new Set([200]));
    expect(refused?.headers.get('Retry-After')).toBe('60');
    expect(await json(refused!)).toEqual({
      error: 'Too many requests for this account; retry later',
      code: 'RATE_LIMITED',
    });
    expect((await send(await tokenFor(newUser()), 'DELETE')).status).toBe(200);
  });

  it('keeps reads, which cost less, to their own larger limit', async () => {
    const token = await tokenFor(newUser());
    await burst(token, 'DELETE', 60);
    const { passed, refused } = await burst(token, 'GET', 150);
    expect(passed.length).toBeGreaterThanOrEqual(60 - 24);
    expect(passed.length).toBeLessThanOrEqual(120);
    expect(refused?.status).toBe(429);
  });
});
