import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSyncServer, openTab, useFakeTime, type TestTab } from '../test-support/sync-harness.js';

const OUTAGE_MS = 60_000;
/** A connection that flaps every 3 s: online for 3 s, offline for 3 s. */
const FLAPPING: Flapping = { everyMs: 6_000, downMs: 3_000 };
/** A weak Wi-Fi: every 3 s the connection drops for 200 ms. */
const DROPPING: Flapping = { everyMs: 3_000, downMs: 200 };
/** Fake time moves in steps this small, so each request is seen at the time it starts. */
const STEP_MS = 100;

/** A request the device started during the outage: when, and the `Retry-After` deadline its answer set (ms since the epoch). */
interface Sent {
  atMs: number;
  notBeforeMs: number;
}

/**
 * A synced tab whose fetch fails as the network does while its platform is offline, and whose
 * server answers every request with `status` and `Retry-After: retryAfterS` while `outage.on`.
 */
async function tabInOutage(server: FakeSyncServer, status: number, code: string, retryAfterS: number) {
  const outage = { on: false, sent: [] as Sent[] };
  let tab: TestTab | undefined;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    if (!tab?.platform.online) throw new TypeError('Failed to fetch (offline)');
    if (!outage.on) return server.fetch(input, init);
    const atMs = Date.now();
    outage.sent.push({ atMs, notBeforeMs: atMs + retryAfterS * 1000 });
    return new Response(JSON.stringify({ error: 'outage', code }), {
      status,
      headers: { 'content-type': 'application/json', 'Retry-After': String(retryAfterS) },
    });
  };
  tab = openTab({ server, extra: { fetch } });
  tab.write({ t_a: '1' });
  await tab.sync.start();
  server.requests.length = 0;
  outage.on = true;
  return { tab, outage };
}

/** Connectivity that goes offline for `downMs` at the end of every `everyMs`. */
interface Flapping {
  everyMs: number;
  downMs: number;
}

/**
 * Moves fake time on by `ms` in small steps, letting each sync finish, with connectivity flapping
 * (stable when `flapping` is null) from `phaseMs` into its period.
 */
async function run(tab: TestTab, ms: number, flapping: Flapping | null = null, phaseMs = 0): Promise<void> {
  for (let elapsed = STEP_MS; elapsed <= ms; elapsed += STEP_MS) {
    await vi.advanceTimersByTimeAsync(STEP_MS);
    const phase = flapping && (phaseMs + elapsed) % flapping.everyMs;
    if (flapping && phase === flapping.everyMs - flapping.downMs) tab.platform.emit('offline');
    if (flapping && phase === 0) tab.platform.emit('online');
    await tab.sync.idle();
  }
}

/** Requests sent over a 60 s outage that a local edit meets, the connection stable or flapping. */
async function requestsInOutage(
  status: number,
  code: string,
  retryAfterS: number,
  flapping: Flapping | null,
): Promise<Sent[]> {
  const { tab, outage } = await tabInOutage(new FakeSyncServer(), status, code, retryAfterS);
  await edit(tab, 'edited during the outage');
  // Half a second into the period: answers do not fall on the edges of the flapping.
  await run(tab, OUTAGE_MS, flapping, 500);
  tab.sync.stop();
  return outage.sent;
}

/** Writes `value` and blurs the page, which pushes it at once unless something holds it. */
async function edit(tab: TestTab, value: string): Promise<void> {
  tab.write({ t_a: value });
  tab.platform.emit('blur');
  await tab.sync.idle();
}

/** A tab whose first push the server answered 429 RATE_LIMITED with `Retry-After: 60`, and which takes requests again after that. */
async function rateLimitedTab(server: FakeSyncServer) {
  const { tab, outage } = await tabInOutage(server, 429, 'RATE_LIMITED', 60);
  await edit(tab, 'first edit');
  outage.on = false;
  return { tab, outage };
}

/** Requests that started before the `Retry-After` deadline the previous answer set. */
const early = (sent: Sent[]): Sent[] => sent.filter((request, i) => i > 0 && request.atMs < sent[i - 1]!.notBeforeMs);

describe('retries while the connection flaps', () => {
  beforeEach(() => void useFakeTime());
  afterEach(() => void vi.useRealTimers());

  it('flapping during an outage sends no more than twice the requests of a stable connection, none before Retry-After', async () => {
    const stable = await requestsInOutage(503, 'UNAVAILABLE', 1, null);
    const flapping = await requestsInOutage(503, 'UNAVAILABLE', 1, FLAPPING);
    const dropping = await requestsInOutage(503, 'UNAVAILABLE', 1, DROPPING);
    console.info(
      `requests over a 60 s outage: stable ${stable.length}; flapping 3 s/3 s ${flapping.length} (${early(flapping).length} before Retry-After); dropping 200 ms every 3 s ${dropping.length} (${early(dropping).length} before Retry-After)`,
    );
    expect(stable.length).toBeGreaterThan(2);
    expect(early(stable)).toEqual([]);
    for (const sent of [flapping, dropping]) {
      expect(sent.length).toBeLessThanOrEqual(2 * stable.length);
      expect(early(sent)).toEqual([]);
    }
  });

  it('honours a 429 RATE_LIMITED Retry-After of 60 s while the connection flaps', async () => {
    for (const flapping of [FLAPPING, DROPPING]) {
      const sent = await requestsInOutage(429, 'RATE_LIMITED', 60, flapping);
      expect(sent.map((request) => request.atMs - sent[0]!.atMs)).toEqual([0, 60_000]);
    }
  });

  it('coming online after a network failure checks at once', async () => {
    const server = new FakeSyncServer();
    const { tab, outage } = await tabInOutage(server, 503, 'UNAVAILABLE', 1);
    outage.on = false;
    for (let i = 0; i < 6; i++) server.failNext({ status: 0, code: 'INTERNAL', network: true });
    await edit(tab, 'edited while the network is down');
    await run(tab, 20_000);
    const failures = server.requests.length;
    expect(tab.sync.getState()).toMatchObject({ status: 'pending', error: { code: 'NETWORK' } });
    const nextRetryMs = Date.parse(tab.sync.getState().nextRetryAt!) - Date.now();
    expect(nextRetryMs).toBeGreaterThan(10_000);

    tab.platform.emit('offline');
    tab.platform.emit('online');
    await tab.sync.idle();
    expect(server.requests.length).toBeGreaterThan(failures);
    expect(tab.sync.getState()).toMatchObject({ status: 'synced' });
    expect(server.current('tenure')?.data.t_a).toBe('edited while the network is down');
  });

  it('coming online after the server refused waits for the retry the backoff set', async () => {
    const { tab, outage } = await tabInOutage(new FakeSyncServer(), 503, 'UNAVAILABLE', 1);
    const startMs = Date.now();
    await edit(tab, 'edited during the outage');
    await run(tab, 5_000);
    expect(outage.sent.map((request) => request.atMs - startMs)).toEqual([0, 1_000, 2_000, 4_000]);
    tab.platform.emit('offline');
    await run(tab, 1_000);
    tab.platform.emit('online');
    await tab.sync.idle();
    expect(tab.sync.getState()).toMatchObject({
      status: 'pending',
      nextRetryAt: new Date(startMs + 8_000).toISOString(),
    });
    await run(tab, 1_900);
    expect(outage.sent).toHaveLength(4);
    outage.on = false;
    await run(tab, 100);
    expect(tab.sync.getState()).toMatchObject({ status: 'synced' });
  });

  it('an edit made while the server asked to wait is pushed no sooner than Retry-After', async () => {
    const server = new FakeSyncServer();
    const { tab, outage } = await rateLimitedTab(server);
    tab.write({ t_a: 'second edit' });
    tab.sync.notifyChanged();
    tab.platform.emit('blur');
    await run(tab, 59_900);
    expect(server.requests).toEqual([]);
    await run(tab, 100);
    expect(server.log()).toContain('POST /push');
    expect(server.current('tenure')?.data.t_a).toBe('second edit');
    expect(tab.sync.getState()).toMatchObject({ status: 'synced' });
    expect(outage.sent).toHaveLength(1);
  });

  it('a page hidden while the server asked to wait sends nothing, and the change stays pending', async () => {
    const server = new FakeSyncServer();
    const { tab } = await rateLimitedTab(server);
    tab.write({ t_a: 'edit before closing' });
    tab.sync.notifyChanged();
    await tab.sync.idle();
    tab.platform.emit('hidden');
    tab.platform.emit('pagehide');
    await run(tab, 1_000);
    expect(server.requests).toEqual([]);
    expect((await tab.device.records.getRecord('tenure', 'user-1')).pendingSince).not.toBeNull();
  });

  it('once the server takes requests again, the next outage backs off from the start', async () => {
    const { tab, outage } = await tabInOutage(new FakeSyncServer(), 503, 'UNAVAILABLE', 1);
    await edit(tab, 'edited during the outage');
    await run(tab, 10_000);
    outage.on = false;
    await run(tab, 10_000);
    expect(tab.sync.getState()).toMatchObject({ status: 'synced' });
    outage.on = true;
    outage.sent.length = 0;
    await edit(tab, 'edited during the next outage');
    await run(tab, 2_000);
    expect(outage.sent.map((request) => request.atMs - outage.sent[0]!.atMs)).toEqual([0, 1_000, 2_000]);
  });
});
