import { describe, expect, it } from 'vitest';
import { call, json, newUser, pushBody, snap, testEnv, tokenFor } from './helpers.js';

// The Worker tests run in `[env.dev]`, what `npm run dev` selects. Its production counterpart is
// production-config.test.ts.
describe('dev mode ([env.dev] of wrangler.toml)', () => {
  it('is dev mode, with the dev secret', () => {
    expect(testEnv.DEV_MODE).toBe('true');
    expect(testEnv.JWT_SECRET).toBeTruthy();
  });

  it.each([
    'http://localhost:5173',
    'http://127.0.0.1:9000',
    'http://localhost:3000',
    'http://[::1]:4321',
    'https://localhost:5173',
    'http://localhost',
  ])('lets a page on %s call the API: preflight and answers carry its origin', async (origin) => {
    const preflight = await call('/api/sync/notes/push', {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe(origin);
    const response = await call('/api/sync/notes/meta', {
      token: await tokenFor(newUser()),
      headers: { Origin: origin },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(origin);
  });

  it.each([
    'https://app.example.com',
    'http://localhost.example.com:5173',
    'http://127.0.0.1.nip.io:8787',
    'http://192.168.1.20:5173',
    'null',
  ])('still refuses the origin %s', async (origin) => {
    const response = await call('/api/sync/notes/meta', {
      token: await tokenFor(newUser()),
      headers: { Origin: origin },
    });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('serves an app name that is not in SYNC_APPS: push, then pull', async () => {
    const token = await tokenFor(newUser());
    const pushed = await call('/api/sync/notes/push', {
      method: 'POST',
      token,
      body: JSON.stringify(await pushBody(snap({ notes_list: '["milk"]' }), 0)),
    });
    expect(pushed.status).toBe(200);
    expect(await json(pushed)).toMatchObject({ success: true, version: 1 });
    const pulled = await call('/api/sync/notes/pull', { token });
    expect(await json(pulled)).toMatchObject({ data: { notes_list: '["milk"]' }, meta: { version: 1 } });
  });

  it('still refuses an invalid app name (404), and still gates by subscription (403)', async () => {
    const token = await tokenFor(newUser());
    for (const app of ['Notes', 'a'.repeat(40), '-notes']) {
      const response = await call(`/api/sync/${app}/meta`, { token });
      expect(response.status).toBe(404);
      expect(await json(response)).toMatchObject({ code: 'NOT_FOUND' });
    }
    const forbidden = await call('/api/sync/notes/meta', { token: await tokenFor(newUser(), ['sync_tenure']) });
    expect(forbidden.status).toBe(403);
    expect((await call('/api/sync/notes/meta', { token: await tokenFor(newUser(), ['sync_notes']) })).status).toBe(200);
  });
});
