import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FakeSyncServer,
  openTab,
  syncedTab,
  testDevice,
  useFakeTime,
  type TestTab,
} from '../test-support/sync-harness.js';

const STORE = { t_a: '1', t_b: '2', t_c: '3' };

describe('pulls ask for what changed since the version the device holds (DESIGN §9)', () => {
  let server: FakeSyncServer;
  let tab: TestTab;
  beforeEach(async () => {
    useFakeTime();
    server = new FakeSyncServer();
    tab = await syncedTab(server, STORE);
  });
  afterEach(() => void vi.useRealTimers());

  const pulls = () => server.requests.filter((r) => r.path.endsWith('/pull'));
  const local = () =>
    Object.fromEntries(
      ['t_a', 't_b', 't_c', 't_d'].flatMap((key) =>
        tab.device.storage.getItem(key) === null ? [] : [[key, tab.device.storage.getItem(key)]],
      ),
    );

  it("takes another device's one-key edit as a patch against its base version and applies the full result", async () => {
    await server.seed('tenure', { ...STORE, t_b: 'edited elsewhere' });
    await tab.sync.syncNow();
    expect(pulls()).toEqual([expect.objectContaining({ since: 1 })]);
    expect(local()).toEqual({ ...STORE, t_b: 'edited elsewhere' });
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 2 });
  });

  it('takes several versions pushed meanwhile, with a removal, as one patch', async () => {
    await server.seed('tenure', { ...STORE, t_d: '4' });
    await server.seed('tenure', { t_a: '1', t_b: 'two', t_d: '4' });
    await server.seed('tenure', { t_a: 'one', t_b: 'two', t_d: '4' });
    await tab.sync.syncNow();
    expect(pulls()).toEqual([expect.objectContaining({ since: 1 })]);
    expect(local()).toEqual({ t_a: 'one', t_b: 'two', t_d: '4' });
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 4 });
  });

  it('pulls the next change against the version it took last', async () => {
    await server.seed('tenure', { ...STORE, t_b: 'two' });
    await tab.sync.syncNow();
    await server.seed('tenure', { ...STORE, t_b: 'two', t_c: 'three' });
    await tab.sync.syncNow();
    expect(pulls().map((r) => r.since)).toEqual([1, 2]);
    expect(local()).toEqual({ ...STORE, t_b: 'two', t_c: 'three' });
  });

  it('takes the full data when the server no longer keeps its base', async () => {
    for (let n = 0; n < 6; n++) await server.seed('tenure', { ...STORE, t_d: String(n) });
    await tab.sync.syncNow();
    expect(pulls()).toEqual([expect.objectContaining({ since: 1 })]);
    expect(local()).toEqual({ ...STORE, t_d: '5' });
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 7 });
  });

  it('never applies a patch against another base: one full pull instead, with no error shown', async () => {
    await server.seed('tenure', { ...STORE, t_b: 'edited elsewhere' });
    server.foreignBasePatchPulls = 1;
    await tab.sync.syncNow();
    expect(pulls().map((r) => r.since)).toEqual([1, undefined]);
    expect(local()).toEqual({ ...STORE, t_b: 'edited elsewhere' });
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 2 });
    expect(tab.sync.getState().error).toBeUndefined();
  });

  it('never applies a patch whose result does not match the current checksum: one full pull instead', async () => {
    await server.seed('tenure', { ...STORE, t_b: 'edited elsewhere' });
    server.spoiledPatchPulls = 1;
    await tab.sync.syncNow();
    expect(pulls().map((r) => r.since)).toEqual([1, undefined]);
    expect(tab.device.storage.getItem('t_spoiled')).toBeNull();
    expect(local()).toEqual({ ...STORE, t_b: 'edited elsewhere' });
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 2 });
  });

  it('applies nothing when the full pull after a spoiled patch does not match its checksum either, and retries', async () => {
    await server.seed('tenure', { ...STORE, t_b: 'edited elsewhere' });
    server.spoiledPatchPulls = 1;
    server.tamperedPulls = 1;
    await tab.sync.syncNow().catch(() => {});
    expect(local()).toEqual(STORE);
    expect(tab.device.storage.getItem('t_tampered')).toBeNull();
    expect(tab.device.storage.getItem('t_spoiled')).toBeNull();
  });

  it('asks for the full data on a device that never synced (no base to patch)', async () => {
    const fresh = openTab({ server, device: testDevice('device-b') });
    await server.seed('tenure', { ...STORE, t_b: 'two' });
    server.requests.length = 0;
    await fresh.sync.start();
    expect(pulls()).toEqual([expect.not.objectContaining({ since: expect.anything() })]);
    expect(fresh.device.storage.getItem('t_b')).toBe('two');
  });
});
