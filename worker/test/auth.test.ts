import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WorkerEnv } from '../src/config.js';
import { createWorker } from '../src/index.js';
import {
  call,
  captureErrorLogs,
  DEV_SECRET,
  json,
  newUser,
  nowSeconds,
  push,
  signClaims,
  snap,
  testEnv,
  tokenFor,
} from './helpers.js';

const errorLogs = captureErrorLogs();

const base64url = (value: unknown): string =>
  btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

async function expectUnauthorized(token: string | undefined, headers: Record<string, string> = {}): Promise<void> {
  const response = await call('/api/sync/tenure/meta', token === undefined ? { headers } : { token, headers });
  expect(response.status).toBe(401);
  expect(await json(response)).toMatchObject({ code: 'UNAUTHORIZED', error: expect.any(String) });
}

describe('auth: every bad token is a 401 UNAUTHORIZED', () => {
  it('refuses a request without an Authorization header', async () => {
    await expectUnauthorized(undefined);
  });

  it('refuses an Authorization header that is not a bearer token', async () => {
    await expectUnauthorized(undefined, { Authorization: `Basic ${btoa('alice:pw')}` });
  });

  it('refuses malformed tokens', async () => {
    await expectUnauthorized('not-a-jwt');
    await expectUnauthorized('a.b.c');
    await expectUnauthorized(`${base64url({ alg: 'HS256' })}.${base64url({ sub: 'alice' })}`);
  });

  it('refuses a token signed with another secret', async () => {
    await expectUnauthorized(
      await signClaims({ sub: 'alice', exp: nowSeconds() + 60, subscriptions: ['taco_club'] }, 'another-secret'),
    );
  });

  it('refuses alg: none', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'alice', exp: nowSeconds() + 60, subscriptions: ['taco_club'] })}.`;
    await expectUnauthorized(unsigned);
  });

  it('refuses an expired token', async () => {
    await expectUnauthorized(await signClaims({ sub: 'alice', exp: nowSeconds() - 60, subscriptions: ['taco_club'] }));
  });

  it('refuses a token that is not valid yet (nbf)', async () => {
    await expectUnauthorized(
      await signClaims({
        sub: 'alice',
        exp: nowSeconds() + 7200,
        nbf: nowSeconds() + 3600,
        subscriptions: ['taco_club'],
      }),
    );
  });

  it('refuses an RS256 token when HS256 is configured', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ sub: 'alice', subscriptions: ['taco_club'] })
      .setProtectedHeader({ alg: 'RS256' })
      .setExpirationTime('1h')
      .sign(privateKey);
    await expectUnauthorized(token);
  });

  it('refuses a token without sub', async () => {
    await expectUnauthorized(await signClaims({ exp: nowSeconds() + 60, subscriptions: ['taco_club'] }));
  });

  it('refuses a token without exp', async () => {
    await expectUnauthorized(await signClaims({ sub: 'alice', subscriptions: ['taco_club'] }));
  });

  it.each(['bob/tenure', '..', '.', '', 'a'.repeat(129), 'sp ace'])(
    'refuses sub %j that could not be one R2 key segment',
    async (sub) => {
      await expectUnauthorized(await signClaims({ sub, exp: nowSeconds() + 60, subscriptions: ['taco_club'] }));
    },
  );

  it('refuses a non-string sub', async () => {
    await expectUnauthorized(await signClaims({ sub: 42, exp: nowSeconds() + 60, subscriptions: ['taco_club'] }));
  });

  it('accepts a good token with a path-safe sub such as an email or an IdP id', async () => {
    for (const sub of ['alice@example.com', `auth0|${crypto.randomUUID()}`]) {
      const response = await call('/api/sync/tenure/meta', { token: await tokenFor(sub) });
      expect(response.status).toBe(200);
    }
  });

  it('checks iss and aud when configured', async () => {
    const worker = createWorker();
    const configured = { ...testEnv, JWT_ISSUER: 'https://id.example', JWT_AUDIENCE: 'taco-sync' };
    const request = async (claims: Record<string, unknown>): Promise<number> => {
      const token = await signClaims({ sub: 'alice', exp: nowSeconds() + 60, subscriptions: ['taco_club'], ...claims });
      const response = await worker.fetch(
        new Request('http://x/api/sync/tenure/meta', { headers: { Authorization: `Bearer ${token}` } }),
        configured,
      );
      return response.status;
    };
    expect(await request({ iss: 'https://id.example', aud: 'taco-sync' })).toBe(200);
    expect(await request({ iss: 'https://evil.example', aud: 'taco-sync' })).toBe(401);
    expect(await request({ iss: 'https://id.example', aud: 'another-app' })).toBe(401);
    expect(await request({})).toBe(401);
  });
});

describe('auth: JWKS (production)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  async function jwksSetup() {
    const rsa = await generateKeyPair('RS256');
    const ec = await generateKeyPair('ES256');
    const jwks = {
      keys: [
        { ...(await exportJWK(rsa.publicKey)), kid: 'rsa', alg: 'RS256' },
        { ...(await exportJWK(ec.publicKey)), kid: 'ec', alg: 'ES256' },
      ],
    };
    // A URL per test: key sets are cached per URL for the isolate's life, as in production.
    const jwksUrl = `https://id.example/${crypto.randomUUID()}/jwks.json`;
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url === jwksUrl) return Response.json(jwks);
      return new Response('not found', { status: 404 });
    });
    const worker = createWorker();
    const jwksEnv = { ...testEnv, JWT_JWKS_URL: jwksUrl, JWT_AUDIENCE: 'taco-sync' };
    const status = async (token: string, env: WorkerEnv = jwksEnv): Promise<number> =>
      (
        await worker.fetch(
          new Request('http://x/api/sync/tenure/meta', { headers: { Authorization: `Bearer ${token}` } }),
          env,
        )
      ).status;
    const claims = { sub: 'alice', subscriptions: ['taco_club'], aud: 'taco-sync' };
    return { rsa, ec, fetchSpy, status, claims, jwksEnv };
  }

  it('requires JWT_AUDIENCE: without it a configuration error (500), with it a token minted for another app is refused', async () => {
    const { rsa, status, claims, jwksEnv } = await jwksSetup();
    const signed = (aud: string) =>
      new SignJWT({ ...claims, aud })
        .setProtectedHeader({ alg: 'RS256', kid: 'rsa' })
        .setExpirationTime('1h')
        .sign(rsa.privateKey);
    expect(await status(await signed('another-app'), { ...jwksEnv, JWT_AUDIENCE: undefined })).toBe(500);
    expect(await status(await signed('taco-sync'), { ...jwksEnv, JWT_AUDIENCE: ' ' })).toBe(500);
    expect(String(errorLogs.calls().flat())).toContain('JWT_AUDIENCE must be set with JWT_JWKS_URL');
    expect(await status(await signed('another-app'))).toBe(401);
    expect(await status(await signed('taco-sync'))).toBe(200);
  });

  it('accepts RS256 and ES256 tokens signed by a key of the set, fetching the set once', async () => {
    const { rsa, ec, status, claims, fetchSpy } = await jwksSetup();
    expect(
      await status(
        await new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: 'rsa' })
          .setExpirationTime('1h')
          .sign(rsa.privateKey),
      ),
    ).toBe(200);
    expect(
      await status(
        await new SignJWT(claims)
          .setProtectedHeader({ alg: 'ES256', kid: 'ec' })
          .setExpirationTime('1h')
          .sign(ec.privateKey),
      ),
    ).toBe(200);
    expect(
      await status(
        await new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: 'rsa' })
          .setExpirationTime('1h')
          .sign(rsa.privateKey),
      ),
    ).toBe(200);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });

  it('verifies against the JWKS alone: an HS256 token with the dev secret is refused', async () => {
    const { status, claims } = await jwksSetup();
    expect(await status(await signClaims({ ...claims, exp: nowSeconds() + 60 }, DEV_SECRET))).toBe(401);
  });

  it('refuses a token from a key outside the set, and one without exp', async () => {
    const { rsa, status, claims } = await jwksSetup();
    const stranger = await generateKeyPair('RS256');
    expect(
      await status(
        await new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: 'rsa' })
          .setExpirationTime('1h')
          .sign(stranger.privateKey),
      ),
    ).toBe(401);
    expect(
      await status(await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'rsa' }).sign(rsa.privateKey)),
    ).toBe(401);
  });

  it('answers 503 with Retry-After when the JWKS cannot be fetched, not 401', async () => {
    const { rsa, fetchSpy, claims, jwksEnv } = await jwksSetup();
    fetchSpy.mockImplementation(async () => new Response('down', { status: 502 }));
    const worker = createWorker();
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa' })
      .setExpirationTime('1h')
      .sign(rsa.privateKey);
    const response = await worker.fetch(
      new Request('http://x/api/sync/tenure/meta', { headers: { Authorization: `Bearer ${token}` } }),
      jwksEnv,
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('1');
    expect(await json(response)).toMatchObject({ code: 'UNAVAILABLE' });
  });
});

describe('auth: clock tolerance for exp and nbf', () => {
  const at = new Date('2026-11-29T12:00:00.000Z');
  const seconds = Math.floor(at.getTime() / 1000);
  const worker = createWorker({ now: () => at });
  const status = async (
    claims: Record<string, unknown>,
    env: Record<string, string | undefined> = {},
  ): Promise<number> => {
    const token = await signClaims({ sub: 'alice', subscriptions: ['taco_club'], exp: seconds + 3600, ...claims });
    const response = await worker.fetch(
      new Request('http://x/api/sync/tenure/meta', { headers: { Authorization: `Bearer ${token}` } }),
      { ...testEnv, ...env },
    );
    return response.status;
  };

  // jose's rule: expired from `exp` on (exp <= now - tolerance), not yet valid while nbf > now + tolerance.
  it('accepts a token expired less than 30 s ago or valid within 30 s by default, not more', async () => {
    expect(await status({ exp: seconds - 29 })).toBe(200);
    expect(await status({ exp: seconds - 30 })).toBe(401);
    expect(await status({ nbf: seconds + 30 })).toBe(200);
    expect(await status({ nbf: seconds + 31 })).toBe(401);
  });

  it('takes the tolerance from JWT_CLOCK_TOLERANCE_SECONDS', async () => {
    expect(await status({ exp: seconds - 1 }, { JWT_CLOCK_TOLERANCE_SECONDS: '0' })).toBe(401);
    expect(await status({ exp: seconds }, { JWT_CLOCK_TOLERANCE_SECONDS: '0' })).toBe(401);
    expect(await status({ exp: seconds + 1 }, { JWT_CLOCK_TOLERANCE_SECONDS: '0' })).toBe(200);
    expect(await status({ exp: seconds - 119, nbf: seconds + 120 }, { JWT_CLOCK_TOLERANCE_SECONDS: '120' })).toBe(200);
    expect(await status({ exp: seconds - 120 }, { JWT_CLOCK_TOLERANCE_SECONDS: '120' })).toBe(401);
  });

  it.each(['-1', '1.5', 'a minute', '301'])(
    'answers 500 for JWT_CLOCK_TOLERANCE_SECONDS=%j, a configuration error',
    async (value) => {
      expect(await status({}, { JWT_CLOCK_TOLERANCE_SECONDS: value })).toBe(500);
      expect(String(errorLogs.calls().flat())).toContain(
        'JWT_CLOCK_TOLERANCE_SECONDS must be a whole number of seconds from 0 to 300',
      );
    },
  );
});

describe('gating from the subscriptions claim', () => {
  it.each([
    [['sync_tenure'], 'tenure', 200],
    [['sync_tenure'], 'tempo', 403],
    [['sync_all'], 'tempo', 200],
    [['taco_club'], 'tempo', 200],
    [[], 'tenure', 403],
  ])('subscriptions %j for %s -> %i', async (subscriptions, app, status) => {
    const response = await call(`/api/sync/${app}/meta`, { token: await tokenFor(newUser(), subscriptions) });
    expect(response.status).toBe(status);
    if (status === 403)
      expect(await json(response)).toMatchObject({ code: 'FORBIDDEN', error: expect.stringContaining(`sync_${app}`) });
  });

  it('refuses a token whose subscriptions claim is missing or not a list of strings', async () => {
    for (const subscriptions of [undefined, 'taco_club', [42]]) {
      const token = await signClaims({ sub: newUser(), exp: nowSeconds() + 60, subscriptions });
      expect((await call('/api/sync/tenure/meta', { token })).status).toBe(403);
    }
  });

  it('does not let a 403 caller write anything', async () => {
    const user = newUser();
    const response = await push(await tokenFor(user, ['sync_tempo']), 'tenure', snap({ a: '1' }), 0);
    expect(response.status).toBe(403);
    const allowed = await call('/api/sync/tenure/meta', { token: await tokenFor(user) });
    expect(await json(allowed)).toMatchObject({ exists: false });
  });
});
