import { generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanDeviceName } from '../src/device-name.js';
import { JWKS_FAILURE_COOLDOWN_MS, withFailureCooldown } from '../src/jwks-cooldown.js';
import { createWorker } from '../src/index.js';
import { call, captureErrorLogs, json, newUser, push, snap, strictEnv, testEnv, tokenFor } from './helpers.js';

const worker = createWorker();

describe('every answer says no-store and nosniff (DESIGN §11)', () => {
  captureErrorLogs();
  const expectHardened = (response: Response) => {
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
  };

  it('on data, records, errors, preflights, dev tokens and a broken configuration', async () => {
    const token = await tokenFor(newUser());
    await push(token, 'tenure', snap({ t_a: 'personal' }), 0);
    for (const path of ['/api/sync/tenure/pull', '/api/sync/tenure/meta', '/api/sync/tenure/history/1'])
      expectHardened(await call(path, { token }));
    expectHardened(await push(token, 'tenure', snap({ t_a: 'again' }), 1));
    expectHardened(await call('/api/sync/tenure', { method: 'DELETE', token }));
    expectHardened(await call('/api/sync/tenure/pull'));
    expectHardened(await call('/nowhere'));
    expectHardened(
      await call('/api/sync/tenure/pull', {
        method: 'OPTIONS',
        headers: { Origin: 'http://127.0.0.1:5173', 'Access-Control-Request-Method': 'GET' },
      }),
    );
    expectHardened(await call('/__dev/token?sub=alice&subscriptions=taco_club'));
    expectHardened(
      await worker.fetch(new Request('http://x/api/sync/tenure/meta'), { ...testEnv, MAX_BODY_BYTES: 'lots' }),
    );
  });
});

describe('deviceName loses control and bidi characters on the way in', () => {
  it('stores the name without them, and no name when nothing else is left', async () => {
    const token = await tokenFor(newUser());
    expect(
      (await push(token, 'tenure', snap({ t_a: '1' }), 0, 'device-a', 'Pixel\u202Egnp.exe\u0007\u2066 \u200F')).status,
    ).toBe(200);
    expect(
      ((await json(await call('/api/sync/tenure/meta', { token }))).meta as Record<string, unknown>).deviceName,
    ).toBe('Pixelgnp.exe');
    expect(
      (await push(token, 'tenure', snap({ t_a: '2' }), 1, 'device-a', '\u202A\u202B\u202C\u202D\u061C\u200E\n')).status,
    ).toBe(200);
    expect((await json(await call('/api/sync/tenure/meta', { token }))).meta).not.toHaveProperty('deviceName');
  });

  it('keeps letters of every script, emoji and inner spaces', () => {
    expect(cleanDeviceName('  عربي 日本語 😀 Chrome on Android ')).toBe('عربي 日本語 😀 Chrome on Android');
    expect(cleanDeviceName('\u0000\u001F\u007F\u0085')).toBeUndefined();
    expect(cleanDeviceName(undefined)).toBeUndefined();
  });
});

describe('tokens: a padded signature does not verify', () => {
  it('answers 401 to a token whose signature carries = padding, which jose alone accepts', async () => {
    const token = await tokenFor(newUser());
    expect((await call('/api/sync/tenure/meta', { token })).status).toBe(200);
    for (const padded of [`${token}=`, `${token}==`]) {
      const response = await call('/api/sync/tenure/meta', { token: padded });
      expect([response.status, (await json(response)).code]).toEqual([401, 'UNAUTHORIZED']);
    }
  });
});

describe('a failing JWKS endpoint is not fetched on every request', () => {
  const errorLogs = captureErrorLogs();
  afterEach(() => void vi.restoreAllMocks());

  it('fetches it once for a burst of requests, each answered 503 with Retry-After', async () => {
    const rsa = await generateKeyPair('RS256');
    const jwksUrl = `https://id.example/${crypto.randomUUID()}/jwks.json`;
    const fetchSpy = vi
      .spyOn(globalThis, 'fetch')
      .mockImplementation(async () => new Response('down', { status: 502 }));
    const env = { ...testEnv, JWT_JWKS_URL: jwksUrl, JWT_AUDIENCE: 'taco-sync' };
    const token = await new SignJWT({ sub: 'alice', subscriptions: ['taco_club'], aud: 'taco-sync' })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa' })
      .setExpirationTime('1h')
      .sign(rsa.privateKey);
    for (let i = 0; i < 5; i++) {
      const response = await worker.fetch(
        new Request('http://x/api/sync/tenure/meta', { headers: { Authorization: `Bearer ${token}` } }),
        env,
      );
      expect([response.status, response.headers.get('Retry-After')]).toEqual([503, '1']);
    }
    expect(
      fetchSpy.mock.calls.filter(([input]) => String(input instanceof Request ? input.url : input) === jwksUrl),
    ).toHaveLength(1);
    expect(String(errorLogs.calls().flat())).toContain('Could not fetch the JWKS');
  });

  it('asks again once the cooldown has passed, and keeps no cooldown after a success', async () => {
    let nowMs = 0;
    let answers: Array<() => Promise<CryptoKey>> = [() => Promise.reject(new TypeError('network down'))];
    const getKey = vi.fn(() => answers.shift()!());
    const cooled = withFailureCooldown(getKey, () => nowMs);
    await expect(cooled({ alg: 'RS256' }, { payload: '', signature: '' } as never)).rejects.toThrow('network down');
    nowMs = JWKS_FAILURE_COOLDOWN_MS - 1;
    await expect(cooled({ alg: 'RS256' }, { payload: '', signature: '' } as never)).rejects.toThrow('network down');
    expect(getKey).toHaveBeenCalledTimes(1);
    const key = {} as CryptoKey;
    answers = [() => Promise.resolve(key), () => Promise.resolve(key)];
    nowMs = JWKS_FAILURE_COOLDOWN_MS;
    await expect(cooled({ alg: 'RS256' }, { payload: '', signature: '' } as never)).resolves.toBe(key);
    await expect(cooled({ alg: 'RS256' }, { payload: '', signature: '' } as never)).resolves.toBe(key);
    expect(getKey).toHaveBeenCalledTimes(3);
  });
});

describe('dev mode answers only this machine’s host names (DNS rebinding)', () => {
  const withHost = (host: string, path = '/__dev/token?sub=alice&subscriptions=taco_club') =>
    worker.fetch(new Request(`http://x${path}`, { headers: { Host: host } }), testEnv);

  it.each(['localhost:8787', '127.0.0.1:8787', '[::1]:8787', 'LOCALHOST', '127.0.0.1'])(
    'answers Host %s',
    async (host) => {
      expect((await withHost(host)).status).toBe(200);
    },
  );

  it.each([
    'evil.example:8787',
    'localhost.evil.example',
    '127.0.0.1.nip.io:8787',
    'evil.example@127.0.0.1',
    '0.0.0.0:8787',
  ])('refuses Host %s with 403 before any route, the API included', async (host) => {
    const token = await withHost(host);
    expect([token.status, await json(token)]).toEqual([
      403,
      { error: 'Dev mode answers only localhost, 127.0.0.1 and [::1]', code: 'FORBIDDEN' },
    ]);
    expect((await withHost(host, '/api/sync/tenure/meta')).status).toBe(403);
  });

  it('leaves production alone, which serves its own domain', async () => {
    const response = await worker.fetch(
      new Request('http://x/api/sync/tenure/meta', { headers: { Host: 'sync.example.com' } }),
      strictEnv,
    );
    expect(response.status).toBe(401);
  });
});
