import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createWorker } from '../src/index.js';
import type { SyncBucket } from '../src/store.js';
import {
  ORIGIN,
  call,
  captureErrorLogs,
  json,
  listUser,
  newUser,
  push,
  pushBody,
  snap,
  strictEnv,
  strictTokenFor,
  testEnv,
  tokenFor,
} from './helpers.js';

describe('routes', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/api/sync'],
    ['GET', '/api/sync/tenure'],
    ['GET', '/api/sync/tenure/nope'],
    ['GET', '/api/sync/tenure/push'],
    ['POST', '/api/sync/tenure/pull'],
    ['PUT', '/api/sync/tenure/push'],
    ['GET', '/api/sync/tenure/history'],
    ['GET', '/api/sync/tenure/history/1/extra'],
  ])('answers %s %s with 404 NOT_FOUND before checking the token', async (method, path) => {
    const response = await call(path, { method });
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ error: expect.any(String), code: 'NOT_FOUND' });
  });

  it('answers 404 for an unknown or unconfigured app, after the token and before the subscription', async () => {
    const token = await strictTokenFor(newUser(), []);
    for (const app of ['other', 'Tenure', 'a'.repeat(40), 'ten%2Fure']) {
      const response = await call(`/api/sync/${app}/meta`, { token, strict: true });
      expect(response.status).toBe(404);
      expect(await json(response)).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect((await call('/api/sync/other/meta')).status).toBe(401);
  });

  it('treats a trailing slash as the same route', async () => {
    const response = await call('/api/sync/tenure/meta/', { token: await tokenFor(newUser()) });
    expect(response.status).toBe(200);
  });

  it('serves only the apps of SYNC_APPS', async () => {
    const worker = createWorker();
    const token = await strictTokenFor(newUser());
    const meta = (app: string) =>
      worker.fetch(new Request(`http://x/api/sync/${app}/meta`, { headers: { Authorization: `Bearer ${token}` } }), {
        ...strictEnv,
        SYNC_APPS: 'notes',
      });
    expect((await meta('notes')).status).toBe(200);
    expect((await meta('tenure')).status).toBe(404);
  });
});

describe('every endpoint checks token, app and subscription (DELETE token and app only)', () => {
  const endpoints = [
    ['POST', 'push'],
    ['GET', 'pull'],
    ['GET', 'meta'],
    ['GET', 'history/1'],
  ] as const;
  const path = (app: string, rest: string) => `/api/sync/${app}${rest ? `/${rest}` : ''}`;

  it.each(endpoints)(
    '%s %s: 401 without a token, 404 for an unknown app, 403 without the subscription',
    async (method, rest) => {
      const noToken = await call(path('tenure', rest), { method, body: method === 'POST' ? '{}' : undefined });
      expect([noToken.status, (await json(noToken)).code]).toEqual([401, 'UNAUTHORIZED']);
      const unknownApp = await call(path('nope', rest), {
        method,
        token: await strictTokenFor(newUser()),
        body: method === 'POST' ? '{}' : undefined,
        strict: true,
      });
      expect([unknownApp.status, (await json(unknownApp)).code]).toEqual([404, 'NOT_FOUND']);
      const forbidden = await call(path('tenure', rest), {
        method,
        token: await tokenFor(newUser(), ['sync_tempo']),
        body: method === 'POST' ? '{}' : undefined,
      });
      expect([forbidden.status, (await json(forbidden)).code]).toEqual([403, 'FORBIDDEN']);
    },
  );

  it('DELETE: 401 without a token, 404 for an unknown app, and no subscription needed', async () => {
    expect((await call('/api/sync/tenure', { method: 'DELETE' })).status).toBe(401);
    expect(
      (await call('/api/sync/nope', { method: 'DELETE', token: await strictTokenFor(newUser(), []), strict: true }))
        .status,
    ).toBe(404);
    expect((await call('/api/sync/tenure', { method: 'DELETE', token: await tokenFor(newUser(), []) })).status).toBe(
      200,
    );
  });
});

describe('erasure does not depend on a subscription (DESIGN §11)', () => {
  it('deletes everything of a user whose subscription lapsed: 200, nothing left; push, pull, meta and history stay 403', async () => {
    const user = newUser();
    const paying = await tokenFor(user, ['sync_tenure']);
    expect((await push(paying, 'tenure', snap({ t_a: '1' }), 0)).status).toBe(200);
    expect((await push(paying, 'tenure', snap({ t_a: '2' }), 1)).status).toBe(200);
    expect(await listUser(user)).not.toEqual([]);

    const lapsed = await tokenFor(user, []);
    for (const [method, rest] of [
      ['GET', 'pull'],
      ['GET', 'meta'],
      ['GET', 'history/1'],
      ['POST', 'push'],
    ] as const) {
      const response = await call(`/api/sync/tenure/${rest}`, {
        method,
        token: lapsed,
        body: method === 'POST' ? '{}' : undefined,
      });
      expect([rest, response.status]).toEqual([rest, 403]);
    }
    const deleted = await call('/api/sync/tenure', { method: 'DELETE', token: lapsed });
    expect([deleted.status, await json(deleted)]).toEqual([
      200,
      { success: true, deleted: true, version: expect.any(Number) },
    ]);
    expect((await listUser(user)).map((row) => row.split(' ')[0])).toEqual([`sync/${user}/tenure/current.json`]);
  });
});

describe('check order: route, token, app, subscription, body size, body, checksum, version', () => {
  const oversized = 'x'.repeat(10 * 1024 * 1024 + 1);

  it('401 beats 404 app: no token on an unknown app', async () => {
    expect((await call('/api/sync/nope/push', { method: 'POST', body: '{' })).status).toBe(401);
  });

  it('404 app beats 403', async () => {
    expect(
      (
        await call('/api/sync/nope/push', {
          method: 'POST',
          token: await strictTokenFor(newUser(), []),
          body: '{',
          strict: true,
        })
      ).status,
    ).toBe(404);
  });

  it('403 beats 413', async () => {
    const response = await call('/api/sync/tenure/push', {
      method: 'POST',
      token: await tokenFor(newUser(), ['sync_tempo']),
      body: oversized,
    });
    expect(response.status).toBe(403);
  });

  it('413 beats 400', async () => {
    const response = await call('/api/sync/tenure/push', {
      method: 'POST',
      token: await tokenFor(newUser()),
      body: oversized,
    });
    expect(response.status).toBe(413);
    expect(await json(response)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('400 beats 409, and CHECKSUM_MISMATCH beats 409', async () => {
    const token = await tokenFor(newUser());
    const badType = { ...(await pushBody(snap({ a: '1' }), 7)), deviceId: 'a/b' };
    const bad = await call('/api/sync/tenure/push', { method: 'POST', token, body: JSON.stringify(badType) });
    expect(await json(bad)).toMatchObject({ code: 'BAD_REQUEST' });
    const mismatch = { ...(await pushBody(snap({ a: '1' }), 7)), checksum: '0'.repeat(64) };
    const response = await call('/api/sync/tenure/push', { method: 'POST', token, body: JSON.stringify(mismatch) });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ code: 'CHECKSUM_MISMATCH' });
  });
});

describe('CORS', () => {
  it('echoes an allowed origin, with Vary: Origin and Retry-After exposed', async () => {
    const response = await call('/api/sync/tenure/meta', {
      token: await tokenFor(newUser()),
      headers: { Origin: ORIGIN },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(response.headers.get('Vary')).toContain('Origin');
    expect(response.headers.get('Access-Control-Expose-Headers')).toContain('Retry-After');
  });

  it('does not echo an origin that is not configured', async () => {
    const response = await call('/api/sync/tenure/meta', {
      token: await tokenFor(newUser()),
      headers: { Origin: 'https://evil.example' },
    });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(response.headers.get('Vary')).toContain('Origin');
  });

  it('answers a preflight with 204, the methods and the headers', async () => {
    const response = await call('/api/sync/tenure/push', {
      method: 'OPTIONS',
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    for (const method of ['GET', 'POST', 'DELETE', 'OPTIONS'])
      expect(response.headers.get('Access-Control-Allow-Methods')).toContain(method);
    expect(response.headers.get('Access-Control-Allow-Headers')).toMatch(/Authorization.*Content-Type/);
  });

  it('puts CORS headers on errors too (401, 404, 409, 413)', async () => {
    const token = await tokenFor(newUser());
    await push(token, 'tenure', snap({ a: '1' }), 0);
    const responses = [
      await call('/api/sync/tenure/meta', { headers: { Origin: ORIGIN } }),
      await call('/nowhere', { headers: { Origin: ORIGIN } }),
      await call('/api/sync/tenure/push', {
        method: 'POST',
        token,
        headers: { Origin: ORIGIN },
        body: JSON.stringify(await pushBody(snap({ a: '2' }), 0)),
      }),
      await call('/api/sync/tenure/push', {
        method: 'POST',
        token,
        headers: { Origin: ORIGIN },
        body: 'x'.repeat(10 * 1024 * 1024 + 1),
      }),
    ];
    expect(responses.map((r) => r.status)).toEqual([401, 404, 409, 413]);
    for (const response of responses) expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
  });
});

describe('server failures', () => {
  const errorLogs = captureErrorLogs();
  const failingBucket = (error: Error): SyncBucket => ({
    head: () => Promise.reject(error),
    get: () => Promise.reject(error),
    put: () => Promise.reject(error),
    delete: () => Promise.reject(error),
    list: () => Promise.reject(error),
  });

  it.each([
    ['an R2 outage', new Error('R2 internal error')],
    ['an R2 429', new Error('put: Reduce your concurrent request rate for the same object. (10058)')],
  ])('answers %s with 503 UNAVAILABLE and Retry-After on every endpoint', async (_, error) => {
    const worker = createWorker({ bucket: () => failingBucket(error) });
    const token = await tokenFor(newUser());
    const requests = [
      new Request('http://x/api/sync/tenure/push', {
        method: 'POST',
        body: JSON.stringify(await pushBody(snap({ a: '1' }), 0)),
      }),
      new Request('http://x/api/sync/tenure/pull'),
      new Request('http://x/api/sync/tenure/meta'),
      new Request('http://x/api/sync/tenure/history/1'),
      new Request('http://x/api/sync/tenure', { method: 'DELETE' }),
    ];
    for (const request of requests) {
      request.headers.set('Authorization', `Bearer ${token}`);
      request.headers.set('Origin', ORIGIN);
      const response = await worker.fetch(request, testEnv);
      expect(response.status).toBe(503);
      expect(response.headers.get('Retry-After')).toBe('1');
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
      expect(await json(response)).toEqual({ error: expect.any(String), code: 'UNAVAILABLE' });
    }
  });

  it('answers anything unexpected with 500 INTERNAL and no stack in the body', async () => {
    const user = newUser();
    await env.BACKUPS.put(`sync/${user}/tenure/current.json`, 'garbage', { customMetadata: { version: 'x' } });
    const response = await call('/api/sync/tenure/pull', { token: await tokenFor(user) });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: 'Internal error', code: 'INTERNAL' });
    expect(text).not.toMatch(/at |\.ts|current\.json/);
    expect(String(errorLogs.calls().flat())).toContain('current.json carries no valid version record');
  });

  it('answers a broken configuration with a generic 500 INTERNAL that a browser of an allowed origin can read, the reason only in the log', async () => {
    const broken = { ...testEnv, MAX_BODY_BYTES: 'lots' };
    const preflight = await createWorker().fetch(
      new Request('http://x/api/sync/tenure/meta', {
        method: 'OPTIONS',
        headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET' },
      }),
      broken,
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    const response = await createWorker().fetch(
      new Request('http://x/api/sync/tenure/meta', { headers: { Origin: ORIGIN } }),
      broken,
    );
    expect(response.status).toBe(500);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(await json(response)).toEqual({ error: 'Internal error', code: 'INTERNAL' });
    expect(String(errorLogs.calls().flat())).toContain('Configuration error: MAX_BODY_BYTES');
  });

  it('answers 500 when no key to verify tokens is configured, never letting a request through', async () => {
    const token = await tokenFor(newUser());
    const response = await createWorker().fetch(
      new Request('http://x/api/sync/tenure/meta', { headers: { Authorization: `Bearer ${token}` } }),
      { ...testEnv, JWT_SECRET: undefined },
    );
    expect(response.status).toBe(500);
    expect(await json(response)).toMatchObject({ code: 'INTERNAL' });
  });
});
