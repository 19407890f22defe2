import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { snapshotFromEntries } from '../contract/index.js';
import { createSync } from '../create-sync.js';
import {
  deviceOptions,
  FakeSyncServer,
  openTab,
  syncedTab,
  testDevice,
  useFakeTime,
  untilMacrotask,
} from '../test-support/sync-harness.js';
import { REQUEST_TIMEOUT_MS } from '../create-sync.js';
import type { SyncEngine } from './sync-engine.js';

const data = (entries: Record<string, string>) => snapshotFromEntries(Object.entries(entries));

describe('lost answers, stalls and stops (DESIGN §7.6)', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
  });
  afterEach(() => void vi.useRealTimers());

  it('finds its own push in history after another device built on it, and pulls instead of conflicting', async () => {
    const device = testDevice('laptop');
    const laptop = openTab({ server, device });
    laptop.write({ t_a: '1' });
    await laptop.sync.start();
    server.loseNextAnswer();
    laptop.write({ t_a: 'laptop edit' });
    laptop.platform.emit('pagehide');
    await laptop.sync.idle();
    laptop.sync.stop();
    expect(server.current('tenure')?.record).toMatchObject({ version: 2, deviceId: 'laptop' });

    const phone = openTab({ server, device: testDevice('phone') });
    await phone.sync.start();
    phone.write({ t_b: 'phone edit' });
    await phone.sync.syncNow();
    expect(server.current('tenure')?.record.version).toBe(3);

    const reopened = openTab({ server, device });
    await reopened.sync.start();
    expect(reopened.sync.getState()).toMatchObject({ status: 'synced', version: 3 });
    expect(device.storage.getItem('t_b')).toBe('phone edit');
    expect(device.storage.getItem('t_a')).toBe('laptop edit');
  });

  it('abandons a request that never answers after the timeout, retries it, and frees the lock for the other tabs', async () => {
    const timeout = { extra: { requestTimeoutMs: REQUEST_TIMEOUT_MS } };
    const tab = openTab({ server, ...timeout });
    tab.write({ t_a: '1' });
    server.hangNext();
    const starting = tab.sync.start();
    const otherTab = openTab({ server, device: tab.device, ...timeout });
    const otherStarting = otherTab.sync.start();
    await untilMacrotask(() => server.requests.length === 1);
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS - 1);
    expect(tab.sync.getState().status).toBe('syncing');
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([starting, otherStarting]);
    expect(otherTab.sync.getState()).toMatchObject({ status: 'synced', version: 1 });
    expect(tab.sync.getState()).toMatchObject({ status: 'pending', error: { code: 'NETWORK' } });
    await vi.advanceTimersByTimeAsync(1_000);
    await tab.sync.idle();
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 1 });
  });

  it('after stop() returns, a pull in flight writes nothing locally and changes no state', async () => {
    await server.seed('tenure', data({ t_a: 'from the server' }));
    const tab = openTab({ server });
    let stopNow = (): void => {};
    server.onRequest = (request) => {
      if (request.path.endsWith('/pull')) stopNow();
    };
    stopNow = () => tab.sync.stop();
    const seen: string[] = [];
    tab.sync.subscribe((state) => seen.push(state.status));
    await tab.sync.start();
    await tab.sync.idle();
    expect(tab.device.storage.getItem('t_a')).toBeNull();
    expect(tab.sync.getState().status).toBe('idle');
    expect(seen.at(-1)).toBe('idle');
    expect((await tab.device.records.getRecord('tenure', 'user-1')).baseVersion).toBe(0);
  });

  it('retries a getToken that throws, with backoff, instead of ending in an error', async () => {
    const tab = openTab({ server });
    tab.write({ t_a: '1' });
    tab.getToken.mockImplementationOnce(() => {
      throw new Error('identity provider unreachable');
    });
    await tab.sync.start();
    expect(tab.sync.getState()).toMatchObject({ status: 'pending', error: { code: 'AUTH' } });
    await vi.advanceTimersByTimeAsync(1_000);
    await tab.sync.idle();
    expect(tab.sync.getState().status).toBe('synced');
  });

  it('does not resend a snapshot the server refused (413) on every blur, but does once it changes or on syncNow()', async () => {
    const tab = await syncedTab(server);
    tab.write({ t_a: 'too large' });
    server.failNext({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    tab.platform.emit('blur');
    await tab.sync.idle();
    expect(tab.sync.getState()).toMatchObject({ status: 'error', error: { code: 'PAYLOAD_TOO_LARGE' } });
    tab.platform.emit('blur');
    tab.platform.emit('hidden');
    await tab.sync.idle();
    expect(server.log()).toEqual(['POST /push']);
    expect(tab.sync.getState()).toMatchObject({ status: 'error', error: { code: 'PAYLOAD_TOO_LARGE' } });

    await tab.sync.syncNow();
    expect(server.log().filter((r) => r === 'POST /push')).toHaveLength(2);
    tab.write({ t_a: 'smaller' });
    tab.platform.emit('blur');
    await tab.sync.idle();
    expect(server.current('tenure')?.data.t_a).toBe('smaller');
  });

  it('keeps syncing when IndexedDB fails, holding its bookkeeping in memory and saying so', async () => {
    const device = testDevice();
    // createSync's own IndexedDB store (no recordStore option), on an origin whose IndexedDB fails.
    const open = vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    const { recordStore: _memory, ...options } = deviceOptions(server, device);
    const engine = createSync(options) as SyncEngine;
    device.storage.setItem('t_a', 'written with a full disk');
    await expect(engine.start()).resolves.toBeUndefined();
    expect(server.current('tenure')?.data.t_a).toBe('written with a full disk');
    expect(engine.getState()).toMatchObject({
      status: 'synced',
      localStateProblem: expect.stringContaining('cannot be saved'),
    });
    device.storage.setItem('t_a', 'second edit');
    await engine.syncNow();
    expect(server.current('tenure')).toMatchObject({ record: { version: 2 }, data: { t_a: 'second edit' } });
    expect(engine.getState().status).toBe('synced');
    open.mockRestore();
  });

  it('never applies pulled data that does not match its checksum, and retries the pull', async () => {
    await server.seed('tenure', data({ t_a: 'from the server' }));
    server.tamperedPulls = 1;
    const tab = openTab({ server });
    await tab.sync.start();
    expect(tab.device.storage.getItem('t_a')).toBeNull();
    expect(tab.device.storage.getItem('t_tampered')).toBeNull();
    expect(tab.sync.getState().status).toBe('pending');
    await vi.advanceTimersByTimeAsync(1_000);
    await tab.sync.idle();
    expect(tab.device.storage.getItem('t_a')).toBe('from the server');
  });

  it('honours Retry-After only up to the backoff cap of 5 minutes', async () => {
    const tab = await syncedTab(server);
    tab.write({ t_a: '2' });
    server.failNext({ status: 503, code: 'UNAVAILABLE', retryAfter: '86400' });
    await tab.sync.syncNow();
    expect(Date.parse(tab.sync.getState().nextRetryAt!) - Date.now()).toBe(300_000);
  });
});
