import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_MAX_STORED_BYTES } from '../contract/index.js';
import { FakeSyncServer, syncedTab, useFakeTime, type TestTab } from '../test-support/sync-harness.js';

/** A store of `keys` keys of about 1 kB each. */
const largeStore = (keys: number): Record<string, string> =>
  Object.fromEntries(
    Array.from({ length: keys }, (_, i) => [`t_day_${String(i).padStart(4, '0')}`, `entry ${i} `.repeat(100)]),
  );

describe('the Worker’s bounds, as the SDK meets them (DESIGN §11)', () => {
  let server: FakeSyncServer;
  let tab: TestTab;
  beforeEach(async () => {
    useFakeTime();
    server = new FakeSyncServer();
    tab = await syncedTab(server, largeStore(50));
  });
  afterEach(() => void vi.useRealTimers());

  it('refuses locally, in words, data larger than the Worker stores, and sends nothing', async () => {
    const before = server.current('tenure')!;
    tab.write({ t_huge: 'x'.repeat(DEFAULT_MAX_STORED_BYTES) });
    tab.platform.emit('blur');
    await tab.sync.idle();
    expect(server.log().filter((line) => line.startsWith('POST'))).toEqual([]);
    expect(tab.sync.getState()).toMatchObject({
      status: 'error',
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: expect.stringMatching(
          /^This data is too large to sync: 10\.0 MiB, and the sync server keeps at most 10\.0 MiB\.$/,
        ),
      },
    });
    expect(server.current('tenure')).toEqual(before);
    expect(tab.device.storage.getItem('t_huge')).toHaveLength(DEFAULT_MAX_STORED_BYTES);
  });

  it('syncs again once the data is back within the bounds', async () => {
    tab.write({ t_huge: 'x'.repeat(DEFAULT_MAX_STORED_BYTES) });
    tab.platform.emit('blur');
    await tab.sync.idle();
    tab.device.storage.removeItem('t_huge');
    tab.write({ t_day_0001: 'edited' });
    await tab.sync.syncNow();
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 2 });
    expect(server.current('tenure')!.data.t_day_0001).toBe('edited');
  });

  it('does not send the full data again after a 413 for a patch push', async () => {
    tab.write({ t_day_0007: 'edited' });
    server.failNext({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    tab.platform.emit('blur');
    await tab.sync.idle();
    await vi.advanceTimersByTimeAsync(600_000);
    await tab.sync.idle();
    const pushes = server.requests.filter((r) => r.method === 'POST');
    expect(pushes).toHaveLength(1);
    expect(pushes[0]!.body).toHaveProperty('patch');
    expect(tab.sync.getState()).toMatchObject({ status: 'error', error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('backs off for the Retry-After of a 429 RATE_LIMITED, then its edit lands', async () => {
    tab.write({ t_day_0003: 'typed while over the limit' });
    server.failNext({ status: 429, code: 'RATE_LIMITED', retryAfter: '60' });
    tab.platform.emit('blur');
    await tab.sync.idle();
    expect(tab.sync.getState()).toMatchObject({
      status: 'pending',
      error: { code: 'RATE_LIMITED' },
      nextRetryAt: '2026-11-01T12:01:00.000Z',
    });
    await vi.advanceTimersByTimeAsync(59_999);
    await tab.sync.idle();
    expect(server.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await tab.sync.idle();
    expect(server.requests).toHaveLength(2);
    expect(server.current('tenure')!.data.t_day_0003).toBe('typed while over the limit');
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 2, nextRetryAt: null });
  });
});
