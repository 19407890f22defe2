import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  LIVE_CLOSE_TOKEN_EXPIRED,
  LIVE_SUBPROTOCOL,
  liveProtocols,
  parseLiveMessage,
  type LiveHeadMessage,
} from '../../sdk/contract/index.js';
import type { WorkerEnv } from '../src/config.js';
import { createWorker } from '../src/index.js';
import {
  call,
  json,
  newUser,
  nowSeconds,
  push,
  pushBody,
  signClaims,
  snap,
  strictEnv,
  strictTokenFor,
  testEnv,
  tokenFor,
} from './helpers.js';

/** Generous: the announcement travels Worker -> Durable Object -> socket on a busy machine. */
const MESSAGE_WAIT_MS = 10_000;
/** How long a socket that should hear nothing is watched after the one that should hear has heard. */
const SILENCE_MS = 300;

interface LiveClient {
  heads: LiveHeadMessage[];
  nextHead(): Promise<LiveHeadMessage>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

const upgradeRequest = (app: string, protocols: string[], headers: Record<string, string> = {}): Request =>
  new Request(`http://x/api/sync/${app}/live`, {
    headers: { Upgrade: 'websocket', 'Sec-WebSocket-Protocol': protocols.join(', '), ...headers },
  });

/** Opens a live socket through the deployed-shape Worker, as a browser does (token in the subprotocol). */
async function openLive(token: string, app = 'tenure'): Promise<LiveClient> {
  const response = await exports.default.fetch(upgradeRequest(app, liveProtocols(token)));
  expect(response.status).toBe(101);
  const socket = response.webSocket!;
  socket.accept();
  const heads: LiveHeadMessage[] = [];
  const waiting: ((head: LiveHeadMessage) => void)[] = [];
  socket.addEventListener('message', (event) => {
    const head = parseLiveMessage(event.data);
    if (!head) return;
    heads.push(head);
    waiting.shift()?.(head);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason })),
  );
  let read = 0;
  return {
    heads,
    closed,
    close: () => socket.close(1000, 'done'),
    nextHead() {
      const index = read++;
      if (index < heads.length) return Promise.resolve(heads[index]!);
      return withTimeout(new Promise<LiveHeadMessage>((resolve) => waiting.push(resolve)), 'a head announcement');
    },
  };
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`No ${what} within ${MESSAGE_WAIT_MS} ms`)), MESSAGE_WAIT_MS),
    ),
  ]);
}

const silence = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SILENCE_MS));

async function expectRefused(request: Request, status: number, code: string, environment?: WorkerEnv): Promise<void> {
  const response = environment
    ? await createWorker().fetch(request, environment)
    : await exports.default.fetch(request);
  expect(response.status).toBe(status);
  expect(response.webSocket).toBeNull();
  expect(await json(response)).toMatchObject({ code });
}

describe('the live route refuses before upgrading, like every route', () => {
  it('refuses a socket with no token (401 UNAUTHORIZED)', async () => {
    await expectRefused(upgradeRequest('tenure', [LIVE_SUBPROTOCOL]), 401, 'UNAUTHORIZED');
  });

  it('refuses a socket whose token is signed with another secret (401)', async () => {
    const forged = await signClaims(
      { sub: newUser(), subscriptions: ['taco_club'], exp: nowSeconds() + 600 },
      'not-the-secret-of-this-worker-at-all',
    );
    await expectRefused(upgradeRequest('tenure', liveProtocols(forged)), 401, 'UNAUTHORIZED');
  });

  it('refuses a socket whose token expired (401)', async () => {
    const expired = await signClaims({ sub: newUser(), subscriptions: ['taco_club'], exp: nowSeconds() - 3600 });
    await expectRefused(upgradeRequest('tenure', liveProtocols(expired)), 401, 'UNAUTHORIZED');
  });

  it('refuses a token whose subscriptions do not allow the app (403 FORBIDDEN)', async () => {
    const token = await tokenFor(newUser(), ['sync_tempo']);
    await expectRefused(upgradeRequest('tenure', liveProtocols(token)), 403, 'FORBIDDEN');
  });

  it('refuses an app the Worker does not serve (404)', async () => {
    const token = await strictTokenFor(newUser());
    await expectRefused(upgradeRequest('notes', liveProtocols(token)), 404, 'NOT_FOUND', strictEnv);
  });

  it('refuses a page of an origin the API does not answer (403)', async () => {
    const token = await strictTokenFor(newUser());
    await expectRefused(
      upgradeRequest('tenure', liveProtocols(token), { Origin: 'https://evil.example' }),
      403,
      'FORBIDDEN',
      strictEnv,
    );
  });

  it('answers a valid request that is not an upgrade with 426 UPGRADE_REQUIRED', async () => {
    const response = await call('/api/sync/tenure/live', { token: await tokenFor(newUser()) });
    expect(response.status).toBe(426);
    expect(await json(response)).toMatchObject({ code: 'UPGRADE_REQUIRED' });
  });

  it('upgrades a valid socket with the live subprotocol, never echoing the token', async () => {
    const token = await tokenFor(newUser());
    const response = await exports.default.fetch(upgradeRequest('tenure', liveProtocols(token)));
    expect(response.status).toBe(101);
    expect(response.headers.get('Sec-WebSocket-Protocol')).toBe(LIVE_SUBPROTOCOL);
    response.webSocket!.accept();
    response.webSocket!.close(1000, 'done');
  });
});

describe('announcements after each commit', () => {
  it("announces the new head to the user's socket after a push", async () => {
    const token = await tokenFor(newUser());
    const live = await openLive(token);
    const pushed = await json(await push(token, 'tenure', snap({ t_a: '1' }), 0));
    expect(await live.nextHead()).toEqual({ type: 'head', version: 1, checksum: pushed.checksum });
    await push(token, 'tenure', snap({ t_a: '2' }), 1);
    expect((await live.nextHead()).version).toBe(2);
    live.close();
  });

  it("announces the tombstone's version with no checksum after a DELETE", async () => {
    const token = await tokenFor(newUser());
    await push(token, 'tenure', snap({ t_a: '1' }), 0);
    const live = await openLive(token);
    expect((await call('/api/sync/tenure', { method: 'DELETE', token })).status).toBe(200);
    expect(await live.nextHead()).toEqual({ type: 'head', version: 2, checksum: null });
    live.close();
  });

  it("never tells user B about user A's commits", async () => {
    const [alice, bob] = [await tokenFor(newUser('alice')), await tokenFor(newUser('bob'))];
    const [aliceLive, bobLive] = [await openLive(alice), await openLive(bob)];
    await push(alice, 'tenure', snap({ t_a: 'alice' }), 0);
    await aliceLive.nextHead();
    await silence();
    expect(bobLive.heads).toEqual([]);
    await push(bob, 'tenure', snap({ t_b: 'bob' }), 0);
    expect((await bobLive.nextHead()).version).toBe(1);
    expect(aliceLive.heads).toHaveLength(1);
    aliceLive.close();
    bobLive.close();
  });

  it("tells a user's socket of one app nothing about their other app", async () => {
    const token = await tokenFor(newUser());
    const [tenure, tempo] = [await openLive(token, 'tenure'), await openLive(token, 'tempo')];
    await push(token, 'tenure', snap({ t_a: '1' }), 0);
    await tenure.nextHead();
    await silence();
    expect(tempo.heads).toEqual([]);
    tenure.close();
    tempo.close();
  });

  it('tells every open page of the user and app', async () => {
    const token = await tokenFor(newUser());
    const [laptop, phone] = [await openLive(token), await openLive(token)];
    await push(token, 'tenure', snap({ t_a: '1' }), 0);
    expect((await laptop.nextHead()).version).toBe(1);
    expect((await phone.nextHead()).version).toBe(1);
    laptop.close();
    phone.close();
  });
});

describe('token expiry and a Worker without the binding', () => {
  it('closes the socket with 4401 when its token expires', async () => {
    // Within the 30 s clock tolerance: accepted, and already past its `exp`, so the alarm is due at once.
    const token = await signClaims({ sub: newUser(), subscriptions: ['taco_club'], exp: nowSeconds() - 2 });
    const live = await openLive(token);
    expect(await withTimeout(live.closed, 'close')).toMatchObject({
      code: LIVE_CLOSE_TOKEN_EXPIRED,
      reason: 'Token expired',
    });
  });

  it('answers 501 LIVE_DISABLED without the binding, and pushes work as before', async () => {
    const withoutLive: WorkerEnv = { ...testEnv, LIVE: undefined };
    const worker = createWorker();
    const token = await tokenFor(newUser());
    const refused = await worker.fetch(upgradeRequest('tenure', liveProtocols(token)), withoutLive);
    expect(refused.status).toBe(501);
    expect(await json(refused)).toMatchObject({ code: 'LIVE_DISABLED' });
    const body = JSON.stringify(await pushBody(snap({ t_a: '1' }), 0));
    const pushed = await worker.fetch(
      new Request('http://x/api/sync/tenure/push', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body,
      }),
      withoutLive,
    );
    expect(pushed.status).toBe(200);
    expect(await json(pushed)).toMatchObject({ success: true, version: 1 });
  });

  it('has the binding in dev, as npm run dev runs it', () => {
    expect(env.LIVE).toBeDefined();
  });
});
