import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSync } from '../create-sync.js';
import {
  deviceOptions,
  FakeSyncServer,
  openTab,
  TENURE_TOKEN,
  testDevice,
  syncedTab,
  useFakeTime,
  type TestTab,
} from '../test-support/sync-harness.js';

/** `length` characters gzip cannot shrink much (a seeded pseudo-random mix of 64 symbols). */
function incompressible(length: number): string {
  const symbols = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let state = 2_463_534_242;
  const next = (): number => {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  return Array.from({ length }, () => symbols[next() % 64]).join('');
}

describe('pushing local changes', () => {
  let server: FakeSyncServer;
  let tab: TestTab;
  beforeEach(async () => {
    useFakeTime();
    server = new FakeSyncServer();
    tab = await syncedTab(server);
  });
  afterEach(() => void vi.useRealTimers());

  const pushes = () => server.log().filter((line) => line === 'POST /push').length;

  it('pushes once, 30 s after the last change, however many changes came before', async () => {
    tab.write({ t_a: '2' });
    tab.sync.notifyChanged();
    await vi.advanceTimersByTimeAsync(20_000);
    tab.write({ t_a: '3' });
    tab.sync.notifyChanged();
    await vi.advanceTimersByTimeAsync(29_999);
    await tab.sync.idle();
    expect(pushes()).toBe(0);
    expect(tab.sync.getState().status).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await tab.sync.idle();
    await vi.advanceTimersByTimeAsync(60_000);
    await tab.sync.idle();
    expect(server.log()).toEqual(['POST /push']);
    expect(server.current('tenure')?.data.t_a).toBe('3');
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 2, pendingSince: null });
  });

  it.each(['blur', 'hidden', 'pagehide'] as const)(
    'pushes at once on %s, without waiting for the debounce',
    async (event) => {
      tab.write({ t_a: '2' });
      tab.sync.notifyChanged();
      tab.platform.emit(event);
      await tab.sync.idle();
      expect(server.log()).toEqual(['POST /push']);
      await vi.advanceTimersByTimeAsync(30_000);
      await tab.sync.idle();
      expect(pushes()).toBe(1);
    },
  );

  it('sends no request when the snapshot equals the last synced one', async () => {
    tab.write({ t_a: '2' });
    tab.write({ t_a: '1' });
    tab.sync.notifyChanged();
    await vi.advanceTimersByTimeAsync(30_000);
    tab.platform.emit('blur');
    await tab.sync.idle();
    expect(server.requests).toEqual([]);
    expect(tab.sync.getState().status).toBe('synced');
  });

  it('sends the contract body: data, base version, checksum, device id and timestamp', async () => {
    tab.write({ t_b: 'x' });
    tab.platform.emit('blur');
    await tab.sync.idle();
    expect(server.requests[0]?.body).toMatchObject({
      data: { t_a: '1', t_b: 'x' },
      version: 1,
      deviceId: 'device-a',
      timestamp: '2026-11-01T12:00:00.000Z',
    });
  });

  it('pushes with keepalive on pagehide', async () => {
    tab.write({ t_a: '2' });
    tab.platform.emit('pagehide');
    await tab.sync.idle();
    expect(server.requests.map((r) => r.keepalive)).toEqual([true]);
  });

  it('pushes with keepalive on hidden, so a closing tab (hidden, then pagehide) sends one request that outlives it', async () => {
    tab.write({ t_a: '2' });
    tab.platform.emit('hidden');
    tab.platform.emit('pagehide');
    await tab.sync.idle();
    expect(server.requests.map((r) => [r.method, r.keepalive])).toEqual([['POST', true]]);
  });

  it('pushes a body over 64 KiB on hidden without keepalive', async () => {
    tab.write({ t_big: incompressible(120_000) });
    tab.platform.emit('hidden');
    await tab.sync.idle();
    expect(server.requests.map((r) => [r.method, r.keepalive])).toEqual([['POST', false]]);
    expect(tab.sync.getState().status).toBe('synced');
  });

  it('sends the first push of a device that never synced with keepalive on pagehide', async () => {
    const empty = new FakeSyncServer();
    const fresh = openTab({ server: empty, device: testDevice('device-b'), token: { current: null } });
    await fresh.sync.start();
    fresh.token.current = TENURE_TOKEN;
    fresh.write({ t_a: 'first data' });
    fresh.platform.emit('pagehide');
    await fresh.sync.idle();
    expect(empty.requests.map((r) => [r.method, r.keepalive])).toEqual([
      ['GET', false],
      ['POST', true],
    ]);
  });

  it('sends a 70 KB edit that gzips under 64 KiB compressed, with keepalive, on pagehide', async () => {
    tab.write({ t_big: 'x'.repeat(70_000) });
    tab.platform.emit('pagehide');
    await tab.sync.idle();
    expect(server.requests.map((r) => [r.method, r.keepalive, r.gzip])).toEqual([['POST', true, true]]);
    expect(server.requests[0]!.bytes).toBeLessThan(1_000);
    expect(server.current('tenure')?.data.t_big).toHaveLength(70_000);
  });

  it('keeps a body over 64 KiB pending on pagehide instead of sending it', async () => {
    tab.write({ t_big: incompressible(120_000) });
    tab.platform.emit('pagehide');
    await tab.sync.idle();
    expect(server.requests).toEqual([]);
    expect(tab.sync.getState().status).toBe('pending');
    expect((await tab.device.records.getRecord('tenure', 'user-1')).pendingSince).not.toBeNull();
  });

  it('records when unsynced changes were first seen and keeps that time until they are pushed', async () => {
    tab.write({ t_a: '2' });
    tab.platform.online = false;
    tab.platform.emit('blur');
    await tab.sync.idle();
    const first = (await tab.device.records.getRecord('tenure', 'user-1')).pendingSince;
    await vi.advanceTimersByTimeAsync(5_000);
    tab.write({ t_a: '3' });
    tab.platform.emit('blur');
    await tab.sync.idle();
    expect(first).toBe('2026-11-01T12:00:00.000Z');
    expect((await tab.device.records.getRecord('tenure', 'user-1')).pendingSince).toBe(first);
  });

  it('stays pending and pushes again when the data changed while a push was in flight', async () => {
    server.onRequest = (request) => {
      if (
        request.method === 'POST' &&
        request.body &&
        (request.body as { data: Record<string, string> }).data.t_a === '2'
      )
        tab.write({ t_a: '3' });
    };
    tab.write({ t_a: '2' });
    tab.platform.emit('blur');
    await tab.sync.idle();
    expect(tab.sync.getState()).toMatchObject({ status: 'pending', version: 2 });
    await vi.advanceTimersByTimeAsync(30_000);
    await tab.sync.idle();
    expect(server.current('tenure')?.data.t_a).toBe('3');
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 3 });
  });

  it('stops pushing after stop(): timers are cancelled', async () => {
    tab.write({ t_a: '2' });
    tab.sync.notifyChanged();
    tab.sync.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    tab.platform.emit('blur');
    await tab.sync.idle();
    expect(server.requests).toEqual([]);
    expect(tab.sync.getState().status).toBe('idle');
  });
});

describe('device id', () => {
  it('is a random UUID kept in the record store and reused by every manager on the device', async () => {
    const server = new FakeSyncServer();
    const device = testDevice();
    const make = () => createSync(deviceOptions(server, device));
    device.storage.setItem('t_a', '1');
    await make().start();
    device.storage.setItem('t_a', '2');
    await make().start();
    const ids = server.requests
      .filter((r) => r.method === 'POST')
      .map((r) => (r.body as { deviceId: string }).deviceId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(ids[1]).toBe(ids[0]);
  });
});
