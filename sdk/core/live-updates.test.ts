import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIVE_CLOSE_TOKEN_EXPIRED, snapshotFromEntries } from '../contract/index.js';
import { systemClock } from '../platform/clock.js';
import { FakeLiveConnector } from '../test-support/fake-live.js';
import {
  FakeSyncServer,
  openTab,
  TENURE_TOKEN,
  testDevice,
  useFakeTime,
  type TestDevice,
  type TestTab,
} from '../test-support/sync-harness.js';
import { fakeToken } from '../test-support/tokens.js';
import { backoffDelayMs } from './backoff.js';
import { createLiveUpdates, LIVE_PING_MS, LIVE_SIGNED_OUT_RETRY_MS, LIVE_STABLE_MS } from './live-updates.js';

/** Jitter 0.5: reconnect n waits half of min(5 min, 1 s * 2^n). */
const HALF = (): number => 0.5;

/** A started tab with live updates through `connector`, synced at version 1 with the server's log cleared. */
async function liveTab(
  server: FakeSyncServer,
  connector: FakeLiveConnector,
  device: TestDevice = testDevice(),
  random: () => number = HALF,
): Promise<TestTab> {
  let tab: TestTab | undefined;
  const live = createLiveUpdates({
    app: 'tenure',
    connector,
    lock: device.lock,
    clock: systemClock,
    backoffMs: (attempt) => backoffDelayMs(attempt, random),
    getToken: (options) => (tab!.getToken as (o?: { forceRefresh?: boolean }) => string | null)(options),
  });
  tab = openTab({ server, device, extra: { live } });
  tab.write({ t_a: '1' });
  await tab.sync.start();
  await tab.sync.idle();
  server.requests.length = 0;
  return tab;
}

/** Lets promise chains (token, lock, probe) settle under fake time. */
const settle = async (tab: TestTab): Promise<void> => {
  await vi.advanceTimersByTimeAsync(0);
  await tab.sync.idle();
};

/** Drops the open socket once per wait and checks that the next one opens exactly `wait` ms later. */
async function expectReconnectWaits(connector: FakeLiveConnector, waits: number[]): Promise<void> {
  const before = connector.sockets.length;
  for (const [index, wait] of waits.entries()) {
    connector.last.drop();
    await vi.advanceTimersByTimeAsync(wait - 1);
    expect(connector.sockets).toHaveLength(before + index);
    await vi.advanceTimersByTimeAsync(1);
    expect(connector.sockets).toHaveLength(before + index + 1);
    connector.last.open();
  }
}

describe('live updates (DESIGN §9)', () => {
  let server: FakeSyncServer;
  let connector: FakeLiveConnector;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
    connector = new FakeLiveConnector();
  });
  afterEach(() => void vi.useRealTimers());

  it("applies another device's commit when it is announced, with one check and no other action", async () => {
    const tab = await liveTab(server, connector);
    connector.last.open();
    const other = await server.seed('tenure', snapshotFromEntries([['t_a', 'from the phone']]));
    connector.last.announce(other.version, other.checksum);
    await settle(tab);
    expect(server.log()).toEqual(['GET /meta', 'GET /pull']);
    expect(tab.device.storage.getItem('t_a')).toBe('from the phone');
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 2 });
  });

  it('pulls once for an announcement heard twice, and not at all for a late one of an older version', async () => {
    const tab = await liveTab(server, connector);
    connector.last.open();
    const other = await server.seed('tenure', snapshotFromEntries([['t_a', '2']]));
    connector.last.announce(other.version);
    connector.last.announce(other.version);
    await settle(tab);
    connector.last.announce(other.version);
    connector.last.announce(1);
    await settle(tab);
    expect(server.log()).toEqual(['GET /meta', 'GET /pull']);
  });

  it('sends nothing for an announcement of the version it holds (its own push)', async () => {
    const tab = await liveTab(server, connector);
    connector.last.open();
    connector.last.announce(1);
    connector.last.announce(0.5);
    await settle(tab);
    expect(server.log()).toEqual([]);
  });

  it('catches an announcement missed while disconnected with a check when the socket reopens', async () => {
    const tab = await liveTab(server, connector);
    connector.last.open();
    connector.last.drop();
    await server.seed('tenure', snapshotFromEntries([['t_a', 'while the socket was down']]));
    await vi.advanceTimersByTimeAsync(backoffDelayMs(0, HALF));
    expect(connector.sockets).toHaveLength(2);
    connector.last.open();
    await settle(tab);
    expect(tab.device.storage.getItem('t_a')).toBe('while the socket was down');
  });

  it('catches an announcement that never came with the next check', async () => {
    const tab = await liveTab(server, connector);
    connector.last.open();
    await server.seed('tenure', snapshotFromEntries([['t_a', 'never announced']]));
    await settle(tab);
    expect(tab.device.storage.getItem('t_a')).toBe('1');
    tab.platform.emit('online');
    await settle(tab);
    expect(tab.device.storage.getItem('t_a')).toBe('never announced');
  });

  it('reconnects with exponential backoff and full jitter after each drop', async () => {
    const tab = await liveTab(server, connector);
    connector.last.open();
    const waits = [0, 1, 2, 3].map((attempt) => backoffDelayMs(attempt, HALF));
    expect(waits).toEqual([500, 1000, 2000, 4000]);
    await expectReconnectWaits(connector, waits);
    await settle(tab);
  });

  it('catches an announcement that never came when the person presses Sync now', async () => {
    const tab = await liveTab(server, connector);
    connector.last.open();
    await server.seed('tenure', snapshotFromEntries([['t_a', 'lost on the way']]));
    await settle(tab);
    expect(server.log()).toEqual([]);
    await tab.sync.syncNow();
    expect(tab.device.storage.getItem('t_a')).toBe('lost on the way');
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 2 });
  });

  it('draws each reconnect wait at random below the exponential step (full jitter)', async () => {
    const draws = [0.1, 0.9, 0.4];
    const tab = await liveTab(server, connector, testDevice(), () => draws.shift() ?? 0.5);
    connector.last.open();
    // Steps of 1 s, 2 s, 4 s times the draws: 100 ms, 1,800 ms, 1,600 ms (not in growing order).
    await expectReconnectWaits(connector, [100, 1_800, 1_600]);
    await settle(tab);
  });

  it('starts the backoff again from its first step after a socket that stayed open 60 s', async () => {
    const tab = await liveTab(server, connector);
    connector.last.open();
    for (const wait of [500, 1_000, 2_000]) {
      connector.last.drop();
      await vi.advanceTimersByTimeAsync(wait);
      connector.last.open();
    }
    await vi.advanceTimersByTimeAsync(LIVE_STABLE_MS);
    connector.last.drop();
    await vi.advanceTimersByTimeAsync(backoffDelayMs(0, HALF));
    expect(connector.sockets).toHaveLength(5);
    await settle(tab);
  });

  it('ends live updates for this start, silently, when the live route refuses the subscription (403)', async () => {
    connector.refusal = 'forbidden';
    const tab = await liveTab(server, connector);
    connector.last.drop();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(connector.probes).toEqual([TENURE_TOKEN]);
    expect(connector.sockets).toHaveLength(1);
    expect(tab.sync.getState().error).toBeUndefined();
  });

  it('asks for a token every 10 s while signed out, with no socket and no request, and connects once signed in', async () => {
    const tab = await liveTab(server, connector);
    connector.last.open();
    tab.token.current = null;
    connector.last.drop();
    await vi.advanceTimersByTimeAsync(backoffDelayMs(0, HALF));
    const asked = tab.getToken.mock.calls.length;
    await vi.advanceTimersByTimeAsync(3 * LIVE_SIGNED_OUT_RETRY_MS);
    expect(tab.getToken.mock.calls.length - asked).toBe(3);
    expect(connector.sockets).toHaveLength(1);
    expect(connector.probes).toEqual([]);
    tab.token.current = TENURE_TOKEN;
    await vi.advanceTimersByTimeAsync(LIVE_SIGNED_OUT_RETRY_MS);
    expect(connector.sockets).toHaveLength(2);
    expect(server.log()).toEqual([]);
  });

  it('closes the socket on stop and opens no other', async () => {
    const tab = await liveTab(server, connector);
    connector.last.open();
    tab.sync.stop();
    expect(connector.last.closed).toBe(true);
    connector.last.drop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(connector.sockets).toHaveLength(1);
  });

  it('falls back silently when the server has no live updates: no error, no more sockets', async () => {
    connector.refusal = 'disabled';
    const tab = await liveTab(server, connector);
    connector.last.drop();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(connector.probes).toHaveLength(1);
    expect(connector.sockets).toHaveLength(1);
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', nextRetryAt: null });
    expect(tab.sync.getState().error).toBeUndefined();
  });

  it('reconnects with a fresh token when the server closes the socket for an expired one', async () => {
    const tab = await liveTab(server, connector);
    connector.last.open();
    const fresh = fakeToken(['sync_tenure']).replace('c2lnbmF0dXJl', 'ZnJlc2g');
    tab.token.current = fresh;
    connector.last.drop(LIVE_CLOSE_TOKEN_EXPIRED);
    await vi.advanceTimersByTimeAsync(backoffDelayMs(0, HALF));
    expect(tab.getToken).toHaveBeenLastCalledWith({ forceRefresh: true });
    expect(connector.sockets.map((socket) => socket.token)).toEqual([TENURE_TOKEN, fresh]);
    expect(connector.probes).toEqual([]);
  });

  it('asks for a fresh token when a socket that did not open was refused for its token', async () => {
    connector.refusal = 'token';
    const tab = await liveTab(server, connector);
    connector.last.drop();
    await vi.advanceTimersByTimeAsync(backoffDelayMs(0, HALF));
    expect(connector.probes).toEqual([TENURE_TOKEN]);
    expect(tab.getToken).toHaveBeenLastCalledWith({ forceRefresh: true });
    expect(connector.sockets).toHaveLength(2);
  });

  it('keeps one socket per app in the leader tab; the next tab takes over when it stops', async () => {
    const device = testDevice();
    const first = await liveTab(server, connector, device);
    const second = await liveTab(server, connector, device);
    await settle(second);
    expect(connector.openSockets()).toHaveLength(1);
    first.sync.stop();
    await settle(second);
    expect(connector.sockets).toHaveLength(2);
    expect(connector.openSockets()).toHaveLength(1);
  });

  it('pings every 50 s while the socket is open, and not after it closed', async () => {
    const tab = await liveTab(server, connector);
    connector.last.open();
    await vi.advanceTimersByTimeAsync(2 * LIVE_PING_MS);
    expect(connector.last.sent).toEqual(['ping', 'ping']);
    tab.sync.stop();
    await vi.advanceTimersByTimeAsync(2 * LIVE_PING_MS);
    expect(connector.last.sent).toHaveLength(2);
  });
});
