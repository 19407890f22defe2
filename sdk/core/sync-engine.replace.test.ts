import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { snapshotFromEntries } from '../contract/index.js';
import {
  FakeSyncServer,
  openTab,
  syncedTab,
  testDevice,
  useFakeTime,
  untilMacrotask,
  type TestTab,
} from '../test-support/sync-harness.js';
import type { ReplaceEvent } from './sync-manager.js';

const data = (entries: Record<string, string>) => snapshotFromEntries(Object.entries(entries));

/** A TodoMVC-like app: it reads its list once and writes the whole list back on every save. */
function inMemoryApp(tab: TestTab) {
  let todos: string[] = JSON.parse(tab.device.storage.getItem('t_todos') ?? '[]') as string[];
  return {
    reread: () => void (todos = JSON.parse(tab.device.storage.getItem('t_todos') ?? '[]') as string[]),
    add(todo: string) {
      todos = [...todos, todo];
      tab.device.storage.setItem('t_todos', JSON.stringify(todos));
      tab.sync.notifyChanged();
    },
  };
}

describe('a stale copy in memory cannot undo a replacement (DESIGN §7.4)', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
  });
  afterEach(() => void vi.useRealTimers());

  async function laptopAddedTodos(): Promise<void> {
    await server.seed('tenure', data({ t_todos: '["milk"]' }), 'laptop');
    await server.seed('tenure', data({ t_todos: '["milk","bread"]' }), 'laptop');
  }

  /** A `defer` page without `onReplace` whose app holds the list in memory, after it restored v1. */
  async function aPageThatRestoredVersion1() {
    const device = testDevice();
    await laptopAddedTodos();
    const open = openTab({ server, device, rereads: false, withoutReplaceListener: 'defer' });
    await open.sync.start();
    const app = inMemoryApp(open);
    await open.sync.restore(1);
    return { device, open, app };
  }

  it('tells onReplace listeners the keys and the reason right after a pull replaced them', async () => {
    await server.seed('tenure', data({ t_todos: '["milk"]', t_other: 'other' }));
    const tab = openTab({ server, rereads: false });
    const events: ReplaceEvent[] = [];
    tab.sync.onReplace((event) => void events.push(event));
    await tab.sync.start();
    expect(events).toEqual([{ keys: ['t_other', 't_todos'], reason: 'pull' }]);
    expect(tab.platform.reloads).toBe(0);
  });

  it('tells listeners about use-server, restore and backup replacements too', async () => {
    const tab = await syncedTab(server, { t_a: 'v1' });
    const reasons: string[] = [];
    tab.sync.onReplace((event) => void reasons.push(event.reason));
    tab.write({ t_a: 'v2' });
    await tab.sync.syncNow();
    await tab.sync.restore(1);
    const [backup] = await tab.sync.listBackups();
    await tab.sync.restoreBackup(backup!.id);
    await server.seed('tenure', data({ t_a: 'from another device' }));
    tab.write({ t_a: 'mine' });
    await tab.sync.syncNow();
    await tab.sync.resolveConflict('use-server');
    expect(reasons).toEqual(['restore', 'backup', 'use-server']);
  });

  it('without a listener, reloads the page after a pull by default', async () => {
    await laptopAddedTodos();
    const tab = openTab({ server, rereads: false });
    await tab.sync.start();
    expect(tab.device.storage.getItem('t_todos')).toBe('["milk","bread"]');
    expect(tab.platform.reloads).toBe(1);
  });

  it("a save from the app's old copy made before the reload is a stale-write-back conflict, never a push", async () => {
    const tab = await syncedTab(server, { t_todos: '[]' });
    const app = inMemoryApp(tab);
    await laptopAddedTodos();
    const phone = openTab({ server, device: tab.device, rereads: false });
    tab.sync.stop();
    await phone.sync.start();
    expect(phone.platform.reloads).toBe(1);
    app.add('eggs');
    phone.sync.notifyChanged();
    await phone.sync.syncNow();
    expect(server.current('tenure')?.data.t_todos).toBe('["milk","bread"]');
    expect(phone.sync.getState().conflict).toMatchObject({
      reason: 'stale-write-back',
      values: [{ key: 't_todos', local: '["eggs"]', server: '["milk","bread"]' }],
    });
  });

  it('without a listener, every open page of the app reloads when another page replaced local data, and none of them acknowledges it (seed 1211 of npm run sim)', async () => {
    const device = testDevice();
    const open = openTab({ server, device, rereads: false });
    await open.sync.start();
    const app = inMemoryApp(open);
    await laptopAddedTodos();
    const other = openTab({ server, device, rereads: false });
    await other.sync.start();
    expect(other.platform.reloads).toBe(1);
    await vi.waitFor(() => expect(open.platform.reloads).toBe(1));

    await open.sync.syncNow();
    app.add('eggs');
    await open.sync.syncNow();
    expect(server.current('tenure')?.data.t_todos).toBe('["milk","bread"]');
    expect(open.sync.getState().conflict).toMatchObject({ reason: 'stale-write-back' });
  });

  it("with 'defer', a page open before another page's pull at start asks for a reload, and its old copy's save conflicts (seed 1211 of npm run sim)", async () => {
    const device = testDevice();
    const open = openTab({ server, device, rereads: false, withoutReplaceListener: 'defer' });
    await open.sync.start();
    const app = inMemoryApp(open);
    await laptopAddedTodos();
    const other = openTab({ server, device, rereads: false, withoutReplaceListener: 'defer' });
    await other.sync.start();
    expect(device.storage.getItem('t_todos')).toBe('["milk","bread"]');
    await vi.waitFor(() => expect(open.sync.getState().reloadReason).toBe('replaced'));

    app.add('eggs');
    await open.sync.syncNow();
    expect(server.current('tenure')?.data.t_todos).toBe('["milk","bread"]');
    expect(open.sync.getState().conflict).toMatchObject({ reason: 'stale-write-back' });
  });

  it("with 'defer', a page's own restore stays guarded when a page opened after it counts its start as the re-read (seed 1796002998 of npm run sim)", async () => {
    const { device, open, app } = await aPageThatRestoredVersion1();
    expect(device.storage.getItem('t_todos')).toBe('["milk"]');
    // A page opened now reads the restored data and acknowledges the replacement; the page that
    // restored still shows its old list.
    const later = openTab({ server, device, rereads: false, withoutReplaceListener: 'defer' });
    await later.sync.start();
    const guard = async () => (await device.records.getRecord('tenure', 'user-1')).replaced?.acknowledged;
    await vi.waitFor(async () => expect(await guard()).toBe(false));

    app.add('eggs');
    await open.sync.syncNow();
    expect(server.current('tenure')?.data.t_todos).toBe('["milk"]');
    expect(open.sync.getState().conflict).toMatchObject({ reason: 'stale-write-back' });
  });

  it("with 'defer', a page's own restore stays guarded when the page that counted its start as the re-read pulls and commits at once (seed 1796693862 of npm run sim)", async () => {
    const { device, open, app } = await aPageThatRestoredVersion1();
    // Another device edits another key: the page opened next acknowledges the restore, then pulls
    // that edit and commits it in the same start, which leaves no replacement in the record.
    const restored = server.current('tenure')!;
    await server.seed('tenure', data({ ...restored.data, t_note: 'from the phone' }), 'phone');
    const later = openTab({ server, device, rereads: false, withoutReplaceListener: 'defer' });
    await later.sync.start();
    expect(device.storage.getItem('t_note')).toBe('from the phone');
    const guard = async () => (await device.records.getRecord('tenure', 'user-1')).replaced;
    await vi.waitFor(async () => expect(await guard()).toMatchObject({ acknowledged: false }));

    app.add('eggs');
    await open.sync.syncNow();
    expect(server.current('tenure')?.data).toEqual({ t_todos: '["milk"]', t_note: 'from the phone' });
    expect(open.sync.getState().conflict).toMatchObject({ reason: 'stale-write-back' });
  });

  it("with 'defer', an open page's old copy still conflicts after the page that pulled pushed an edit of its own (seed 23068 of npm run sim)", async () => {
    const device = testDevice();
    const open = openTab({ server, device, rereads: false, withoutReplaceListener: 'defer' });
    await open.sync.start();
    const app = inMemoryApp(open);
    await laptopAddedTodos();
    const other = openTab({ server, device, rereads: false, withoutReplaceListener: 'defer' });
    await other.sync.start();
    await vi.waitFor(() => expect(open.sync.getState().reloadReason).toBe('replaced'));
    other.write({ t_note: 'an edit on the page that pulled' });
    await other.sync.syncNow();
    expect(server.current('tenure')?.record.version).toBe(3);

    app.add('eggs');
    await open.sync.syncNow();
    expect(server.current('tenure')?.data.t_todos).toBe('["milk","bread"]');
    expect(open.sync.getState().conflict).toMatchObject({ reason: 'stale-write-back' });
  });

  it("with 'defer', an open page's old copy still conflicts after the page that pulled restored the same data (seed 22827 of npm run sim)", async () => {
    const device = testDevice();
    const open = openTab({ server, device, rereads: false, withoutReplaceListener: 'defer' });
    await open.sync.start();
    const app = inMemoryApp(open);
    await laptopAddedTodos();
    const other = openTab({ server, device, rereads: false, withoutReplaceListener: 'defer' });
    await other.sync.start();
    await vi.waitFor(() => expect(open.sync.getState().reloadReason).toBe('replaced'));
    await other.sync.restore(2);
    expect(server.current('tenure')?.record.version).toBe(3);

    app.add('eggs');
    await open.sync.syncNow();
    expect(server.current('tenure')?.data.t_todos).toBe('["milk","bread"]');
    expect(open.sync.getState().conflict).toMatchObject({ reason: 'stale-write-back' });
  });

  it('after the reload, the next page acknowledges the intact keys and later edits sync as usual', async () => {
    await laptopAddedTodos();
    const device = testDevice();
    const before = openTab({ server, device, rereads: false });
    await before.sync.start();
    before.sync.stop();
    const after = openTab({ server, device, rereads: false });
    await after.sync.start();
    const app = inMemoryApp(after);
    app.add('eggs');
    await after.sync.syncNow();
    expect(server.current('tenure')?.data.t_todos).toBe('["milk","bread","eggs"]');
  });

  it('an edit that writes back exactly the value a replacement removed is a stale-write-back conflict even after acknowledgement', async () => {
    const tab = await syncedTab(server, { t_todos: '["old"]' });
    await laptopAddedTodos();
    await tab.sync.syncNow();
    expect(tab.device.storage.getItem('t_todos')).toBe('["milk","bread"]');
    tab.write({ t_todos: '["old"]' });
    await tab.sync.syncNow();
    expect(tab.sync.getState().conflict?.reason).toBe('stale-write-back');
    expect(server.current('tenure')?.data.t_todos).toBe('["milk","bread"]');
  });

  it("with withoutReplaceListener: 'defer', leaves newer server data unapplied, says so, and the old copy's save conflicts", async () => {
    const tab = openTab({ server, rereads: false, withoutReplaceListener: 'defer' });
    tab.write({ t_todos: '[]' });
    await tab.sync.start();
    const app = inMemoryApp(tab);
    await laptopAddedTodos();
    await tab.sync.syncNow();
    expect(tab.device.storage.getItem('t_todos')).toBe('[]');
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 1, reloadReason: 'newer-data' });
    app.add('eggs');
    await tab.sync.syncNow();
    expect(server.current('tenure')?.data.t_todos).toBe('["milk","bread"]');
    expect(tab.sync.getState().conflict?.reason).toBe('server-newer');
  });

  it("with 'defer', a replacement the person chose (use-server) asks for a reload and guards the replaced keys", async () => {
    const tab = openTab({ server, rereads: false, withoutReplaceListener: 'defer' });
    tab.write({ t_todos: '["mine"]' });
    await tab.sync.start();
    const app = inMemoryApp(tab);
    await laptopAddedTodos();
    tab.write({ t_todos: '["mine","more"]' });
    await tab.sync.syncNow();
    await tab.sync.resolveConflict('use-server');
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', reloadReason: 'replaced' });
    app.add('eggs');
    await tab.sync.syncNow();
    expect(tab.sync.getState().conflict?.reason).toBe('stale-write-back');
    expect(server.current('tenure')?.data.t_todos).toBe('["milk","bread"]');
  });
});

describe('another tab of the device replaced the data', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
  });
  afterEach(() => void vi.useRealTimers());

  /** Two started tabs of one device, synced at version 1; then another device pushes version 2 and `first` pulls it. */
  async function secondTabSeesPull(second: { rereads: boolean; withoutReplaceListener?: 'reload' | 'defer' }) {
    const device = testDevice();
    const first = openTab({ server, device });
    first.write({ t_todos: '[]' });
    await first.sync.start();
    const other = openTab({ server, device, ...second });
    const events: ReplaceEvent[] = [];
    if (second.rereads) other.sync.onReplace((event) => void events.push(event));
    await other.sync.start();
    const app = inMemoryApp(other);
    await server.seed('tenure', data({ t_todos: '["milk"]' }), 'laptop');
    await first.sync.syncNow();
    await untilMacrotask(
      () => events.length > 0 || other.platform.reloads > 0 || other.sync.getState().reloadReason !== null,
    );
    return { first, other, events, app };
  }

  it("calls the other tab's onReplace listeners, so its app re-reads too", async () => {
    const { events } = await secondTabSeesPull({ rereads: true });
    expect(events).toEqual([{ keys: ['t_todos'], reason: 'pull' }]);
  });

  it('reloads the other tab when it has no listener', async () => {
    const { other } = await secondTabSeesPull({ rereads: false });
    expect(other.platform.reloads).toBe(1);
  });

  it("with 'defer', a save from the other tab's old copy is a stale-write-back conflict", async () => {
    const { other, app } = await secondTabSeesPull({ rereads: false, withoutReplaceListener: 'defer' });
    await other.sync.idle();
    expect(other.sync.getState().reloadReason).toBe('replaced');
    app.add('eggs');
    await other.sync.syncNow();
    expect(other.sync.getState().conflict?.reason).toBe('stale-write-back');
    expect(server.current('tenure')?.data.t_todos).toBe('["milk"]');
  });
});

describe('a person can decide a conflict (DESIGN §7.5)', () => {
  beforeEach(() => void useFakeTime());
  afterEach(() => void vi.useRealTimers());

  it("sends this device's name with pushes and shows both sides' devices, sizes and times in a conflict", async () => {
    const server = new FakeSyncServer();
    const phone = await syncedTab(server, { t_a: 'v1' });
    expect(server.current('tenure')?.record.deviceName).toBe('Test device');
    await server.seed('tenure', data({ t_a: 'laptop' }), 'laptop', 'user-1', 'Firefox on Linux');
    phone.write({ t_a: 'phone!' });
    await phone.sync.syncNow();
    expect(phone.sync.getState().conflict).toMatchObject({
      local: { keys: 1, bytes: 16, deviceName: 'Test device', modifiedAt: expect.any(String) },
      server: {
        keys: 1,
        bytes: 16,
        deviceName: 'Firefox on Linux',
        modifiedAt: server.current('tenure')?.record.lastModified,
      },
      values: [{ key: 't_a', local: 'phone!', server: 'laptop' }],
    });
  });
});

describe('restoring a local backup (DESIGN §7.4)', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
  });
  afterEach(() => void vi.useRealTimers());

  it("restores nothing when a sync queued before it replaced the data meanwhile: no push over the other device's edit", async () => {
    const tab = await syncedTab(server, { t_a: 'v1' });
    tab.write({ t_a: 'mine' });
    await tab.sync.syncNow();
    await tab.sync.restore(1);
    const [backup] = await tab.sync.listBackups();
    expect(backup?.data).toEqual({ t_a: 'mine' });
    // Another device edits; this page's Sync now pulls it while the person asks for the backup.
    await server.seed('tenure', data({ t_a: 'from the phone' }), 'phone');
    server.requests.length = 0;
    const pulling = tab.sync.syncNow();
    const restoring = tab.sync.restoreBackup(backup!.id);
    await pulling;
    await expect(restoring).rejects.toMatchObject({ code: 'LOCAL' });
    await tab.sync.idle();
    expect(tab.device.storage.dump()).toEqual([['t_a', 'from the phone']]);
    expect(server.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(server.current('tenure')?.data).toEqual({ t_a: 'from the phone' });

    // Asked again with the data in view, it restores and syncs the backup.
    await tab.sync.restoreBackup(backup!.id);
    await tab.sync.syncNow();
    expect(server.current('tenure')?.data).toEqual({ t_a: 'mine' });
  });
});

describe('another tab replaced the data (DESIGN §7.4)', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
  });
  afterEach(() => void vi.useRealTimers());

  it('a page without onReplace reloads at once, even while another tab holds the lock, so its app cannot save its old copy meanwhile', async () => {
    const a = await syncedTab(server, { t_a: 'v1' });
    a.write({ t_a: 'mine' });
    await a.sync.syncNow();
    const b = openTab({ server, device: a.device, rereads: false });
    await b.sync.start();
    await a.sync.restore(1);
    // A third tab's sync holds the app's lock while B hears of the replacement (sim seed 1796658391).
    let release = (): void => {};
    const held = a.device.lock.run('taco-sync:tenure', () => new Promise<void>((resolve) => (release = resolve)));
    await untilMacrotask(() => b.platform.reloads > 0);
    expect(b.platform.reloads).toBe(1);
    release();
    await held;
  });
});
