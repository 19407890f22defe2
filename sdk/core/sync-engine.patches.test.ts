import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checksum } from '../contract/index.js';
import { FakeSyncServer, openTab, syncedTab, useFakeTime, type TestTab } from '../test-support/sync-harness.js';

/** A store of `keys` keys of about 1 kB each, all synced. */
const largeStore = (keys: number): Record<string, string> =>
  Object.fromEntries(
    Array.from({ length: keys }, (_, i) => [
      `t_day_${String(i).padStart(4, '0')}`,
      JSON.stringify({ day: i, notes: `entry ${i} `.repeat(90) }),
    ]),
  );

describe('pushes send only what changed (DESIGN §8)', () => {
  let server: FakeSyncServer;
  let tab: TestTab;
  beforeEach(async () => {
    useFakeTime();
    server = new FakeSyncServer();
    tab = await syncedTab(server, largeStore(200));
  });
  afterEach(() => void vi.useRealTimers());

  const pushBodies = () =>
    server.requests.filter((r) => r.method === 'POST').map((r) => r.body as Record<string, unknown>);

  it('sends a one-key edit of a 200 kB store as a patch of that key, with the base checksum, and stores the whole data', async () => {
    const base = server.current('tenure')!;
    tab.write({ t_day_0007: 'edited' });
    await tab.sync.syncNow();
    const [body] = pushBodies();
    expect(body).toMatchObject({
      version: 1,
      baseChecksum: base.record.checksum,
      patch: { set: { t_day_0007: 'edited' }, remove: [] },
    });
    expect(body).not.toHaveProperty('data');
    expect(server.requests.at(-1)!.bytes).toBeLessThan(600);
    expect(server.current('tenure')!.data).toEqual({ ...base.data, t_day_0007: 'edited' });
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 2 });
  });

  it('sends a removed key as a removal', async () => {
    tab.device.storage.removeItem('t_day_0003');
    await tab.sync.syncNow();
    expect(pushBodies()[0]).toMatchObject({ patch: { set: {}, remove: ['t_day_0003'] } });
    expect(Object.hasOwn(server.current('tenure')!.data, 't_day_0003')).toBe(false);
  });

  it('sends the full data at once when the server cannot apply the patch (PATCH_REJECTED), with no error shown', async () => {
    tab.write({ t_day_0007: 'edited' });
    server.failNext({ status: 422, code: 'PATCH_REJECTED' });
    const states: string[] = [];
    tab.sync.subscribe((state) => states.push(state.status));
    tab.platform.emit('blur');
    await tab.sync.idle();
    const [patched, full] = pushBodies();
    expect(patched).toHaveProperty('patch');
    expect(full).toMatchObject({ version: 1, data: expect.objectContaining({ t_day_0007: 'edited' }) });
    expect(server.current('tenure')!.record.version).toBe(2);
    expect(states).not.toContain('error');
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 2 });
    expect(tab.sync.getState().error).toBeUndefined();
  });

  it('conflicts instead of pushing over a new version of the same number after a DELETE (base checksum)', async () => {
    server.reset('tenure');
    await server.seed('tenure', { t_other: 'pushed after the delete' });
    tab.write({ t_day_0007: 'edited' });
    await tab.sync.syncNow();
    expect(server.current('tenure')!.data).toEqual({ t_other: 'pushed after the delete' });
    expect(tab.sync.getState().status).toBe('conflict');
  });

  it('carries keys this release does not own into the patched result exactly as a full push would', async () => {
    const base = server.current('tenure')!;
    await server.seed('tenure', { ...base.data, x_newer_release: 'kept' }, 'newer-release');
    await tab.sync.syncNow();
    tab.write({ t_day_0001: 'edited' });
    await tab.sync.syncNow();
    const pushed = pushBodies().at(-1)!;
    expect(pushed).toHaveProperty('patch');
    const stored = server.current('tenure')!;
    expect(stored.data.x_newer_release).toBe('kept');
    expect(stored.record.checksum).toBe(
      await checksum({ ...base.data, x_newer_release: 'kept', t_day_0001: 'edited' }),
    );
  });
});

describe('a push that leaves with a closing page', () => {
  beforeEach(() => useFakeTime());
  afterEach(() => void vi.useRealTimers());

  it('is prepared when the data changes, so pagehide sends it at once with keepalive, before any async work', async () => {
    const server = new FakeSyncServer();
    const sent: string[] = [];
    const tab = openTab({
      server,
      extra: {
        fetch: (input: RequestInfo | URL, init?: RequestInit) => {
          sent.push(`${init?.method ?? 'GET'} keepalive=${String(init?.keepalive ?? false)}`);
          return server.fetch(input, init);
        },
      },
    });
    tab.write(largeStore(200));
    await tab.sync.start();
    sent.length = 0;
    tab.write({ t_day_0005: 'edited just before closing' });
    tab.sync.notifyChanged();
    await tab.sync.idle();
    expect(sent).toEqual([]);
    // Closing a tab: hidden, then pagehide, in one go; nothing asynchronous runs in between.
    tab.platform.emit('hidden');
    tab.platform.emit('pagehide');
    expect(sent).toEqual(['POST keepalive=true']);
    await tab.sync.idle();
    await vi.waitFor(() => expect(server.current('tenure')?.data.t_day_0005).toBe('edited just before closing'));
  });

  it('is not sent when the data changed again after it was prepared', async () => {
    const server = new FakeSyncServer();
    const tab = await syncedTab(server, largeStore(50));
    tab.write({ t_day_0005: 'first' });
    tab.sync.notifyChanged();
    await tab.sync.idle();
    tab.write({ t_day_0005: 'second' });
    tab.sync.notifyChanged();
    tab.platform.emit('pagehide');
    await tab.sync.idle();
    expect(server.current('tenure')?.data.t_day_0005).toBe('second');
  });
});
