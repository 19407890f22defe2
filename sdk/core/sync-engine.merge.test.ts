import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checksum, snapshotFromEntries, type Snapshot } from '../contract/index.js';
import { FakeSyncServer, openTab, testDevice, useFakeTime, type TestTab } from '../test-support/sync-harness.js';
import { MERGE_ROUNDS } from './merge-step.js';
import type { ReplaceEvent } from './sync-manager.js';

const data = (entries: Record<string, string>): Snapshot => snapshotFromEntries(Object.entries(entries));
const SYNCED = { t_a: '1', t_b: '1', t_c: '1', t_d: '1' };

/** Two devices (a laptop and a phone) synced at version 1 with {@link SYNCED}. */
async function twoDevices(server: FakeSyncServer, extra = {}): Promise<{ laptop: TestTab; phone: TestTab }> {
  const laptop = openTab({ server, device: testDevice('laptop'), extra });
  laptop.write(SYNCED);
  await laptop.sync.start();
  const phone = openTab({ server, device: testDevice('phone'), extra });
  // The same data typed on the phone is adopted, not pulled: no replacement guards its keys (DESIGN §7.4).
  phone.write(SYNCED);
  await phone.sync.start();
  server.requests.length = 0;
  return { laptop, phone };
}

const edit = (tab: TestTab, entries: Record<string, string | null>): void => {
  for (const [key, value] of Object.entries(entries)) {
    if (value === null) tab.device.storage.removeItem(key);
    else tab.device.storage.setItem(key, value);
  }
  tab.sync.notifyChanged();
};

/** Stores `entries` over the head as the next version, synchronously (so it can land between a merge's pull and its push). */
async function nextVersionOf(server: FakeSyncServer, entries: Record<string, string>): Promise<() => void> {
  const head = server.current('tenure')!;
  const next = data({ ...head.data, ...entries });
  const record = {
    ...head.record,
    version: head.record.version + 1,
    checksum: await checksum(next),
    deviceId: 'third-device',
  };
  return () => void server.versions.get('user-1/tenure')!.push({ record, data: next });
}

describe('devices that changed different keys merge with no conflict (DESIGN §9)', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
  });
  afterEach(() => void vi.useRealTimers());

  it.each([
    ['the laptop syncs first', ['laptop', 'phone']],
    ['the phone syncs first', ['phone', 'laptop']],
  ] as const)('keeps both edits, removals included, on both devices when %s', async (_, order) => {
    const tabs = await twoDevices(server);
    edit(tabs.laptop, { t_a: 'laptop', t_c: null, t_laptop: 'new' });
    edit(tabs.phone, { t_b: 'phone', t_d: null, t_phone: 'new' });
    for (const name of order) await tabs[name].sync.syncNow();
    await tabs[order[0]].sync.syncNow();

    const merged = { t_a: 'laptop', t_b: 'phone', t_laptop: 'new', t_phone: 'new' };
    expect(server.current('tenure')).toMatchObject({ record: { version: 3 }, data: merged });
    for (const tab of [tabs.laptop, tabs.phone]) {
      expect(Object.fromEntries(tab.device.storage.dump())).toEqual(merged);
      expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 3 });
      expect(tab.sync.getState().conflict).toBeUndefined();
    }
  });

  it("merges when its plain push is refused (409): applies the other device's keys as a pull and pushes a patch on that version", async () => {
    const { laptop, phone } = await twoDevices(server);
    const events: ReplaceEvent[] = [];
    phone.sync.onReplace((event) => void events.push(event));
    edit(laptop, { t_a: 'laptop', t_d: null });
    await laptop.sync.syncNow();
    edit(phone, { t_b: 'phone' });
    phone.platform.emit('blur');
    await phone.sync.idle();

    expect(server.log()).toEqual(['GET /meta', 'POST /push', 'POST /push', 'GET /meta', 'GET /pull', 'POST /push']);
    const v2 = server.versions.get('user-1/tenure')!.find((v) => v.record.version === 2)!;
    expect(server.requests.at(-1)?.body).toMatchObject({
      version: 2,
      baseChecksum: v2.record.checksum,
      patch: { set: { t_b: 'phone' }, remove: [] },
    });
    expect(events).toEqual([{ keys: ['t_a', 't_d'], reason: 'pull' }]);
    expect(Object.fromEntries(phone.device.storage.dump())).toEqual({ t_a: 'laptop', t_b: 'phone', t_c: '1' });
    expect(phone.sync.getState()).toMatchObject({ status: 'synced', version: 3, pendingSince: null });
  });

  it('merges an edit the app makes while the merge talks to the server, and never loses it', async () => {
    const { laptop, phone } = await twoDevices(server);
    edit(laptop, { t_a: 'laptop' });
    await laptop.sync.syncNow();
    edit(phone, { t_b: 'phone' });
    let typed = false;
    server.onRequest = (request) => {
      if (request.path.endsWith('/pull') && !typed) typed = (phone.write({ t_typed: 'during the merge' }), true);
    };
    await phone.sync.syncNow();

    expect(server.current('tenure')?.data).toEqual(
      data({ ...SYNCED, t_a: 'laptop', t_b: 'phone', t_typed: 'during the merge' }),
    );
    expect(phone.device.storage.getItem('t_typed')).toBe('during the merge');
    expect(phone.sync.getState()).toMatchObject({ status: 'synced' });
  });

  it('merges again when its push loses the compare-and-swap race to a third device', async () => {
    const { laptop, phone } = await twoDevices(server);
    edit(laptop, { t_a: 'laptop' });
    await laptop.sync.syncNow();
    const third = await nextVersionOf(server, { t_c: 'third' });
    server.onRequest = (request) => {
      if (request.path.endsWith('/push') && server.log().filter((line) => line === 'GET /pull').length === 1) third();
    };
    edit(phone, { t_b: 'phone' });
    await phone.sync.syncNow();

    expect(server.log()).toEqual([
      'GET /meta',
      'POST /push',
      'GET /meta',
      'GET /pull',
      'POST /push',
      'GET /meta',
      'GET /pull',
      'POST /push',
    ]);
    expect(server.current('tenure')).toMatchObject({
      record: { version: 4 },
      data: { t_a: 'laptop', t_b: 'phone', t_c: 'third', t_d: '1' },
    });
    expect(Object.fromEntries(phone.device.storage.dump())).toEqual({
      t_a: 'laptop',
      t_b: 'phone',
      t_c: 'third',
      t_d: '1',
    });
    expect(phone.sync.getState()).toMatchObject({ status: 'synced', version: 4 });
  });

  it(`raises a conflict after ${MERGE_ROUNDS} merges that all lost the race, and keeps every edit`, async () => {
    const { laptop, phone } = await twoDevices(server);
    edit(laptop, { t_a: 'laptop' });
    await laptop.sync.syncNow();
    server.onRequest = (request) => {
      if (!request.path.endsWith('/push')) return;
      const head = server.current('tenure')!;
      server.versions
        .get('user-1/tenure')!
        .push({ record: { ...head.record, version: head.record.version + 1 }, data: head.data });
    };
    server.requests.length = 0;
    edit(phone, { t_b: 'phone' });
    await phone.sync.syncNow();
    expect(phone.sync.getState()).toMatchObject({
      status: 'conflict',
      conflict: { reason: 'push-rejected', keys: [] },
    });
    expect(server.log().filter((line) => line === 'POST /push')).toHaveLength(MERGE_ROUNDS);
    expect(phone.device.storage.getItem('t_b')).toBe('phone');
  });

  it('with merge: false, edits of different keys are a whole-data conflict, as before', async () => {
    const { laptop, phone } = await twoDevices(server, { merge: false });
    edit(laptop, { t_a: 'laptop' });
    await laptop.sync.syncNow();
    edit(phone, { t_b: 'phone' });
    await phone.sync.syncNow();
    const { conflict } = phone.sync.getState();
    expect(conflict).toMatchObject({ reason: 'server-newer', diff: { changed: ['t_a', 't_b'] } });
    expect(conflict?.keys).toBeUndefined();
    expect(server.log().filter((line) => line === 'POST /push')).toHaveLength(1);
  });
});

describe('a collision names only its keys, and each choice keeps every other edit (DESIGN §9)', () => {
  let server: FakeSyncServer;
  let phone: TestTab;
  /** The laptop changed t_a and t_c and added t_laptop; the phone changed t_a, removed t_c and changed t_d: t_a and t_c collide. */
  beforeEach(async () => {
    useFakeTime();
    server = new FakeSyncServer();
    const tabs = await twoDevices(server);
    phone = tabs.phone;
    edit(tabs.laptop, { t_a: 'laptop', t_c: 'laptop', t_laptop: 'new' });
    await tabs.laptop.sync.syncNow();
    edit(phone, { t_a: 'phone', t_c: null, t_d: 'phone' });
    await phone.sync.syncNow();
  });
  afterEach(() => void vi.useRealTimers());

  it('raises server-newer naming the colliding keys, with both values of only those keys', () => {
    expect(phone.sync.getState()).toMatchObject({
      status: 'conflict',
      conflict: {
        reason: 'server-newer',
        keys: ['t_a', 't_c'],
        serverVersion: 2,
        values: [
          { key: 't_a', local: 'phone', server: 'laptop' },
          { key: 't_c', local: null, server: 'laptop' },
        ],
      },
    });
    expect(server.current('tenure')?.record.version).toBe(2);
    expect(phone.device.storage.getItem('t_laptop')).toBeNull();
  });

  it("keep-local takes this device's values of the colliding keys and keeps the other device's other edits, compare-and-swap on the version shown", async () => {
    await phone.sync.resolveConflict('keep-local');
    const result = { t_a: 'phone', t_b: '1', t_d: 'phone', t_laptop: 'new' };
    expect(server.requests.at(-1)?.body).toMatchObject({ version: 2 });
    expect(server.current('tenure')).toMatchObject({ record: { version: 3 }, data: result });
    expect(Object.fromEntries(phone.device.storage.dump())).toEqual(result);
    expect(phone.sync.getState()).toMatchObject({ status: 'synced', version: 3 });
  });

  it("use-server takes the server's values of the colliding keys, keeps this device's other edits, and backs up what it replaced", async () => {
    await phone.sync.resolveConflict('use-server');
    const result = { t_a: 'laptop', t_b: '1', t_c: 'laptop', t_d: 'phone', t_laptop: 'new' };
    expect(server.current('tenure')).toMatchObject({ record: { version: 3 }, data: result });
    expect(Object.fromEntries(phone.device.storage.dump())).toEqual(result);
    expect(phone.sync.getState()).toMatchObject({ status: 'synced', version: 3 });
    const [backup] = await phone.sync.listBackups();
    expect(backup).toMatchObject({ reason: 'use-server', data: { t_a: 'phone', t_d: 'phone' } });
  });

  it('a choice whose merge was recorded stays made when the push after it fails: the push is retried, the conflict is not shown again', async () => {
    server.onRequest = (request) => {
      if (request.method === 'POST') server.failNext({ status: 503, code: 'UNAVAILABLE' });
    };
    await expect(phone.sync.resolveConflict('keep-local')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    server.onRequest = undefined;
    const result = { t_a: 'phone', t_b: '1', t_d: 'phone', t_laptop: 'new' };
    expect(phone.sync.getState()).toMatchObject({ status: 'pending', version: 2, error: { code: 'UNAVAILABLE' } });
    expect(phone.sync.getState().conflict).toBeUndefined();
    expect(Object.fromEntries(phone.device.storage.dump())).toEqual(result);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    await phone.sync.idle();
    expect(server.current('tenure')).toMatchObject({ record: { version: 3 }, data: result });
    expect(phone.sync.getState()).toMatchObject({ status: 'synced', version: 3 });
  });

  it('asks again, with fresh keys, when a third device pushed after the conflict was shown', async () => {
    await server.seed('tenure', data({ ...server.current('tenure')!.data, t_d: 'third' }), 'third-device');
    await phone.sync.resolveConflict('keep-local');
    expect(phone.sync.getState()).toMatchObject({
      status: 'conflict',
      conflict: { serverVersion: 3, keys: ['t_a', 't_c', 't_d'] },
    });
    expect(server.current('tenure')?.data.t_d).toBe('third');
  });
});

describe('check on return (DESIGN §9)', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
  });
  afterEach(() => void vi.useRealTimers());

  const metas = (): number => server.log().filter((line) => line === 'GET /meta').length;

  it.each([
    ['becomes visible after it was hidden', 'hidden', 'visible'],
    ['gets focus after a blur', 'blur', 'focus'],
  ] as const)("a page that %s checks the server and takes another device's edit", async (_, away, back) => {
    const { laptop } = await twoDevices(server);
    await server.seed('tenure', data({ ...SYNCED, t_a: 'phone' }));
    laptop.platform.emit(away);
    await vi.advanceTimersByTimeAsync(60_000);
    laptop.platform.emit(back);
    await laptop.sync.idle();
    expect(server.log()).toEqual(['GET /meta', 'GET /pull']);
    expect(laptop.device.storage.getItem('t_a')).toBe('phone');
    expect(laptop.sync.getState()).toMatchObject({ status: 'synced', version: 2 });
  });

  it('checks at most once per returnCheckMs, and not on a focus without a blur before it', async () => {
    const { laptop } = await twoDevices(server, { returnCheckMs: 10_000 });
    await vi.advanceTimersByTimeAsync(60_000);
    laptop.platform.emit('focus');
    await laptop.sync.idle();
    expect(metas()).toBe(0);
    for (const wait of [0, 4_000, 5_000]) {
      await vi.advanceTimersByTimeAsync(wait);
      laptop.platform.emit('hidden');
      laptop.platform.emit('visible');
      laptop.platform.emit('focus');
      await laptop.sync.idle();
    }
    expect(metas()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    laptop.platform.emit('blur');
    laptop.platform.emit('focus');
    await laptop.sync.idle();
    expect(metas()).toBe(2);
  });

  it('only the tab the person returns to checks, and another tab of the device skips its check while the device heard from the server lately', async () => {
    const device = testDevice('laptop');
    const first = openTab({ server, device });
    first.write(SYNCED);
    await first.sync.start();
    const second = openTab({ server, device });
    await second.sync.start();
    await vi.advanceTimersByTimeAsync(60_000);
    server.requests.length = 0;
    first.platform.emit('hidden');
    second.platform.emit('hidden');
    first.platform.emit('visible');
    await first.sync.idle();
    expect(metas()).toBe(1);
    await vi.advanceTimersByTimeAsync(3_000);
    first.platform.emit('hidden');
    second.platform.emit('visible');
    await second.sync.idle();
    expect(metas()).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    second.platform.emit('hidden');
    second.platform.emit('visible');
    await second.sync.idle();
    expect(metas()).toBe(2);
  });
});
