import { describe, expect, it } from 'vitest';
import { createWorker } from '../src/index.js';
import { json, newUser, pushBody, snap, strictEnv, testEnv, tokenFor } from './helpers.js';

const request = (path: string, init: RequestInit = {}) => new Request(`http://x${path}`, init);

describe('bench routes (DEV_MODE = "true")', () => {
  it('PUT then GET /__dev/bench/r2/:key stores and answers the body as it is', async () => {
    const worker = createWorker();
    const key = newUser('bench');
    const body = '{"data":{"a":"1"},"version":0}';
    const put = await worker.fetch(request(`/__dev/bench/r2/${key}`, { method: 'PUT', body }), testEnv);
    expect(await json(put)).toEqual({ success: true, size: body.length });
    const got = await worker.fetch(request(`/__dev/bench/r2/${key}`), testEnv);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe(body);
    expect(await testEnv.BACKUPS.head(`bench/${key}`)).not.toBeNull();
  });

  it('answers 404 for a bench object never stored and 400 for an unusable key', async () => {
    const worker = createWorker();
    expect((await worker.fetch(request(`/__dev/bench/r2/${newUser('none')}`), testEnv)).status).toBe(404);
    expect((await worker.fetch(request('/__dev/bench/r2/a.b', { method: 'PUT', body: 'x' }), testEnv)).status).toBe(
      400,
    );
  });

  it('counts the R2 calls of a push by operation and resets them on POST /__dev/bench/r2-ops', async () => {
    const worker = createWorker();
    const ops = async (method = 'GET') => json(await worker.fetch(request('/__dev/bench/r2-ops', { method }), testEnv));
    expect(await ops('POST')).toEqual({ head: 0, get: 0, put: 0, delete: 0, list: 0 });

    const token = await tokenFor(newUser());
    const pushed = await worker.fetch(
      request('/api/sync/tenure/push', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify(await pushBody(snap({ a: '1' }), 0)),
      }),
      testEnv,
    );
    expect(pushed.status).toBe(200);
    const counted = (await ops()) as Record<string, number>;
    expect(counted.put).toBeGreaterThanOrEqual(2);
    expect(counted.head).toBeGreaterThanOrEqual(1);

    expect(await ops('POST')).toEqual({ head: 0, get: 0, put: 0, delete: 0, list: 0 });
    await worker.fetch(request('/api/sync/tenure/meta', { headers: { Authorization: `Bearer ${token}` } }), testEnv);
    expect(await ops()).toMatchObject({ put: 0, delete: 0 });
  });
});

describe('bench routes in production (DEV_MODE unset)', () => {
  const production = strictEnv;

  it.each([
    ['GET', '/__dev/bench/r2-ops'],
    ['POST', '/__dev/bench/r2-ops'],
    ['PUT', '/__dev/bench/r2/some-key'],
    ['GET', '/__dev/bench/r2/some-key'],
  ])('has no %s %s (404)', async (method, path) => {
    const response = await createWorker().fetch(
      request(path, { method, body: method === 'PUT' ? 'x' : undefined }),
      production,
    );
    expect(response.status).toBe(404);
    expect(await json(response)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('stores nothing under bench/ for a PUT', async () => {
    const key = newUser('prod');
    await createWorker().fetch(request(`/__dev/bench/r2/${key}`, { method: 'PUT', body: 'x' }), production);
    expect(await testEnv.BACKUPS.head(`bench/${key}`)).toBeNull();
  });
});
