import { describe, expect, it } from 'vitest';
import { createWorker } from '../src/index.js';
import { call, json, newUser, pushBody, snap, strictEnv, strictTokenFor, testEnv, tokenFor } from './helpers.js';

describe('dev routes (DEV_MODE = "true")', () => {
  it('GET /__dev/token hands out a working HS256 token for sub and subscriptions', async () => {
    const user = newUser();
    const response = await call(`/__dev/token?sub=${user}&subscriptions=sync_tenure`);
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    expect(JSON.parse(atob(token.split('.')[0]!))).toMatchObject({ alg: 'HS256' });
    const claims = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({ sub: user, subscriptions: ['sync_tenure'] });
    expect((claims.exp as number) - (claims.iat as number)).toBe(24 * 60 * 60);

    expect((await call('/api/sync/tenure/meta', { token })).status).toBe(200);
    expect((await call('/api/sync/tempo/meta', { token })).status).toBe(403);
  });

  it('refuses a dev token for an unusable sub', async () => {
    const response = await call('/__dev/token?sub=bob%2Ftenure&subscriptions=taco_club');
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('POST /__dev/fail-next makes the next N sync requests fail with that status, then recovers', async () => {
    const worker = createWorker();
    const token = await tokenFor(newUser());
    const meta = () =>
      worker.fetch(
        new Request('http://x/api/sync/tenure/meta', { headers: { Authorization: `Bearer ${token}` } }),
        testEnv,
      );

    const planned = await worker.fetch(
      new Request('http://x/__dev/fail-next?status=503&count=2', { method: 'POST' }),
      testEnv,
    );
    expect(await json(planned)).toEqual({ success: true, status: 503, count: 2 });
    for (let i = 0; i < 2; i++) {
      const failed = await meta();
      expect(failed.status).toBe(503);
      expect(failed.headers.get('Retry-After')).toBe('1');
      expect(await json(failed)).toMatchObject({ code: 'UNAVAILABLE' });
    }
    expect((await meta()).status).toBe(200);

    await worker.fetch(new Request('http://x/__dev/fail-next?status=500', { method: 'POST' }), testEnv);
    const push = await worker.fetch(
      new Request('http://x/api/sync/tenure/push', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify(await pushBody(snap({ a: '1' }), 0)),
      }),
      testEnv,
    );
    expect(push.status).toBe(500);
    expect(await json(push)).toMatchObject({ code: 'INTERNAL' });
    expect(await json(await meta())).toMatchObject({ exists: false });
  });

  it('can inject a 429 RATE_LIMITED with Retry-After', async () => {
    const worker = createWorker();
    await worker.fetch(new Request('http://x/__dev/fail-next?status=429', { method: 'POST' }), testEnv);
    const response = await worker.fetch(new Request('http://x/api/sync/tenure/pull'), testEnv);
    expect(response.status).toBe(429);
    expect(response.headers.get('Retry-After')).toBe('1');
    expect(await json(response)).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('refuses a fail-next status that is not an error of the API', async () => {
    const worker = createWorker();
    expect(
      (await worker.fetch(new Request('http://x/__dev/fail-next?status=200', { method: 'POST' }), testEnv)).status,
    ).toBe(400);
  });
});

describe('production (DEV_MODE unset)', () => {
  const production = strictEnv;

  it.each([
    ['GET', '/__dev/token?sub=alice&subscriptions=taco_club'],
    ['POST', '/__dev/fail-next?status=500&count=1'],
  ])('has no %s %s (404)', async (method, path) => {
    const response = await createWorker().fetch(new Request(`http://x${path}`, { method }), production);
    expect(response.status).toBe(404);
    expect(await json(response)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('ignores fail-next entirely: sync requests answer normally', async () => {
    const worker = createWorker();
    await worker.fetch(new Request('http://x/__dev/fail-next?status=500&count=1', { method: 'POST' }), production);
    const token = await strictTokenFor(newUser());
    const response = await worker.fetch(
      new Request('http://x/api/sync/tenure/meta', { headers: { Authorization: `Bearer ${token}` } }),
      production,
    );
    expect(response.status).toBe(200);
  });
});
