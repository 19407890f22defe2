import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { snapshotFromEntries } from '../contract/index.js';
import { fakeToken } from '../test-support/tokens.js';
import {
  FakeSyncServer,
  openTab,
  TENURE_TOKEN,
  testDevice,
  syncedTab,
  useFakeTime,
  type TestTab,
} from '../test-support/sync-harness.js';

describe('offline, reloads and retries', () => {
  let server: FakeSyncServer;
  let tab: TestTab;
  beforeEach(async () => {
    useFakeTime();
    server = new FakeSyncServer();
    tab = await syncedTab(server);
  });
  afterEach(() => void vi.useRealTimers());

  it('goes offline without requests, queues changes, and pushes once when back online', async () => {
    tab.platform.emit('offline');
    expect(tab.sync.getState()).toMatchObject({ status: 'offline', online: false });
    tab.write({ t_a: '2' });
    tab.sync.notifyChanged();
    await vi.advanceTimersByTimeAsync(30_000);
    tab.platform.emit('blur');
    tab.write({ t_a: '3' });
    tab.sync.notifyChanged();
    await tab.sync.idle();
    expect(server.requests).toEqual([]);
    expect(tab.sync.getState().status).toBe('offline');
    expect((await tab.device.records.getRecord('tenure', 'user-1')).pendingSince).not.toBeNull();

    tab.platform.emit('online');
    await tab.sync.idle();
    await vi.advanceTimersByTimeAsync(60_000);
    await tab.sync.idle();
    expect(server.log()).toEqual(['GET /meta', 'POST /push']);
    expect(server.current('tenure')?.data.t_a).toBe('3');
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', online: true, version: 2 });
  });

  it('pushes pending changes on the next start after a reload', async () => {
    tab.platform.emit('offline');
    tab.write({ t_a: 'written before the reload' });
    tab.sync.notifyChanged();
    tab.platform.emit('pagehide');
    await tab.sync.idle();
    tab.sync.stop();

    const reloaded = openTab({ server, device: tab.device });
    expect((await tab.device.records.getRecord('tenure', 'user-1')).pendingSince).not.toBeNull();
    await reloaded.sync.start();
    expect(server.log()).toEqual(['GET /meta', 'POST /push']);
    expect(server.current('tenure')?.data.t_a).toBe('written before the reload');
    expect(reloaded.sync.getState()).toMatchObject({ status: 'synced', pendingSince: null });
  });

  it('shows when unsynced changes were first seen while offline', async () => {
    tab.platform.emit('offline');
    tab.write({ t_a: '2' });
    tab.platform.emit('blur');
    await tab.sync.idle();
    expect(tab.sync.getState()).toMatchObject({ status: 'offline', pendingSince: '2026-11-01T12:00:00.000Z' });
  });

  it('puts edits made after a push whose answer was lost on top of that push, without a conflict', async () => {
    server.loseNextAnswer();
    tab.write({ t_a: 'X' });
    tab.platform.emit('blur');
    await tab.sync.idle();
    expect(server.current('tenure')?.record).toMatchObject({ version: 2, deviceId: 'device-a' });
    tab.write({ t_a: 'Y' });
    await vi.advanceTimersByTimeAsync(300_000);
    await tab.sync.idle();
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 3 });
    expect(tab.sync.getState().conflict).toBeUndefined();
    expect(server.current('tenure')?.data.t_a).toBe('Y');
  });

  it('after a reload, puts edits on top of its own push whose answer was lost', async () => {
    server.loseNextAnswer();
    tab.write({ t_a: 'X' });
    tab.platform.emit('pagehide');
    await tab.sync.idle();
    tab.sync.stop();
    tab.write({ t_a: 'Y' });
    const reloaded = openTab({ server, device: tab.device });
    await reloaded.sync.start();
    expect(reloaded.sync.getState()).toMatchObject({ status: 'synced', version: 3 });
    expect(server.current('tenure')?.data.t_a).toBe('Y');
  });

  it('still conflicts when the head after a lost answer is not its own push', async () => {
    server.loseNextAnswer();
    tab.write({ t_a: 'X' });
    tab.platform.emit('blur');
    await tab.sync.idle();
    await server.seed('tenure', snapshotFromEntries([['t_a', 'from another device']]));
    tab.write({ t_a: 'Y' });
    await vi.advanceTimersByTimeAsync(300_000);
    await tab.sync.idle();
    expect(tab.sync.getState()).toMatchObject({
      status: 'conflict',
      conflict: { serverVersion: 3, serverDeviceId: 'other-device' },
    });
    expect(server.current('tenure')?.data.t_a).toBe('from another device');
  });

  it('retries a 503 with growing, jittered delays and succeeds', async () => {
    server.failNext({ status: 503, code: 'UNAVAILABLE' });
    server.failNext({ status: 503, code: 'UNAVAILABLE' });
    tab.write({ t_a: '2' });
    tab.platform.emit('blur');
    await tab.sync.idle();
    expect(tab.sync.getState()).toMatchObject({
      status: 'pending',
      error: { code: 'UNAVAILABLE' },
      nextRetryAt: '2026-11-01T12:00:00.500Z',
    });
    await vi.advanceTimersByTimeAsync(500);
    await tab.sync.idle();
    expect(tab.sync.getState().nextRetryAt).toBe('2026-11-01T12:00:01.500Z');
    await vi.advanceTimersByTimeAsync(999);
    await tab.sync.idle();
    expect(server.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await tab.sync.idle();
    expect(server.log()).toEqual(['POST /push', 'POST /push', 'POST /push']);
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 2, nextRetryAt: null });
    expect(tab.sync.getState().error).toBeUndefined();
  });

  it('retries network failures and 429s too', async () => {
    server.failNext({ status: 0, code: 'INTERNAL', network: true });
    server.failNext({ status: 429, code: 'RATE_LIMITED' });
    tab.write({ t_a: '2' });
    tab.platform.emit('blur');
    await tab.sync.idle();
    expect(tab.sync.getState().error?.code).toBe('NETWORK');
    await vi.advanceTimersByTimeAsync(500);
    await tab.sync.idle();
    expect(tab.sync.getState().error?.code).toBe('RATE_LIMITED');
    await vi.advanceTimersByTimeAsync(1000);
    await tab.sync.idle();
    expect(tab.sync.getState().status).toBe('synced');
  });

  it('waits at least Retry-After before retrying', async () => {
    server.failNext({ status: 503, code: 'UNAVAILABLE', retryAfter: '120' });
    tab.write({ t_a: '2' });
    tab.platform.emit('blur');
    await tab.sync.idle();
    expect(tab.sync.getState().nextRetryAt).toBe('2026-11-01T12:02:00.000Z');
    await vi.advanceTimersByTimeAsync(119_999);
    await tab.sync.idle();
    expect(server.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await tab.sync.idle();
    expect(server.requests).toHaveLength(2);
  });

  it('stop() cancels a scheduled retry', async () => {
    server.failNext({ status: 500, code: 'INTERNAL' });
    tab.write({ t_a: '2' });
    tab.platform.emit('blur');
    await tab.sync.idle();
    tab.sync.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    await tab.sync.idle();
    expect(server.requests).toHaveLength(1);
    expect(tab.sync.getState()).toMatchObject({ status: 'idle', nextRetryAt: null });
  });

  it('stays idle when stop() comes while a request is in flight and that request then fails', async () => {
    server.failNext({ status: 503, code: 'UNAVAILABLE' });
    server.onRequest = () => tab.sync.stop();
    tab.write({ t_a: '2' });
    tab.platform.emit('blur');
    await tab.sync.idle();
    await vi.advanceTimersByTimeAsync(300_000);
    expect(tab.sync.getState().status).toBe('idle');
    expect(server.requests).toHaveLength(1);
  });

  it('stops with an error state and the server code on a 4xx that retrying will not fix', async () => {
    server.failNext({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    tab.write({ t_a: '2' });
    tab.platform.emit('blur');
    await tab.sync.idle();
    await vi.advanceTimersByTimeAsync(600_000);
    await tab.sync.idle();
    expect(server.requests).toHaveLength(1);
    expect(tab.sync.getState()).toMatchObject({
      status: 'error',
      error: { code: 'PAYLOAD_TOO_LARGE' },
      nextRetryAt: null,
    });
  });
});

describe('401: one token refresh', () => {
  beforeEach(() => void useFakeTime());
  afterEach(() => void vi.useRealTimers());

  it('asks getToken({ forceRefresh: true }) once and retries the request with the new token', async () => {
    const server = new FakeSyncServer();
    const expired = fakeToken(['sync_tenure', 'sync_tempo']);
    server.rejectedTokens.add(expired);
    const token = { current: expired as string | null };
    const tab = openTab({ server, token });
    tab.getToken.mockImplementation((options?: { forceRefresh?: boolean }) =>
      options?.forceRefresh ? TENURE_TOKEN : token.current,
    );
    tab.write({ t_a: '1' });
    await tab.sync.start();
    expect(tab.getToken).toHaveBeenLastCalledWith({ forceRefresh: true });
    expect(server.log()).toEqual(['GET /meta', 'GET /meta', 'POST /push']);
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 1 });
  });

  it('ends in an AUTH error when the refreshed token is refused too', async () => {
    const server = new FakeSyncServer();
    server.rejectedTokens.add(TENURE_TOKEN);
    const tab = openTab({ server, device: testDevice() });
    tab.write({ t_a: '1' });
    await tab.sync.start();
    expect(tab.getToken).toHaveBeenCalledTimes(2);
    expect(server.requests).toHaveLength(2);
    expect(tab.sync.getState()).toMatchObject({ status: 'error', error: { code: 'AUTH' } });
  });

  it('is disabled, with changes pending, when the refresh finds the user signed out', async () => {
    const server = new FakeSyncServer();
    server.rejectedTokens.add(TENURE_TOKEN);
    const tab = openTab({ server, device: testDevice() });
    tab.getToken.mockImplementation((options?: { forceRefresh?: boolean }) =>
      options?.forceRefresh ? null : TENURE_TOKEN,
    );
    tab.write({ t_a: '1' });
    await tab.sync.start();
    expect(server.requests).toHaveLength(1);
    expect(tab.sync.getState()).toMatchObject({ status: 'disabled', disabledReason: 'Not signed in' });
    expect((await tab.device.records.getRecord('tenure', 'user-1')).pendingSince).not.toBeNull();
  });
});
