import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { snapshotFromEntries } from '../contract/index.js';
import { FakeSyncServer, openTab, testDevice, useFakeTime, type TestDevice } from '../test-support/sync-harness.js';
import { fakeToken } from '../test-support/tokens.js';

const ALICE = fakeToken(['sync_tenure'], 'alice');
const BOB = fakeToken(['sync_tenure'], 'bob');
const data = (entries: Record<string, string>) => snapshotFromEntries(Object.entries(entries));

/** One shared browser profile: Alice synced her data on it, then signed out. */
async function aliceSignedOut(
  server: FakeSyncServer,
): Promise<{ device: TestDevice; token: { current: string | null } }> {
  const device = testDevice();
  const token = { current: ALICE as string | null };
  const tab = openTab({ server, device, token });
  tab.write({ t_diary: "alice's diary" });
  await tab.sync.start();
  expect(server.current('tenure', 'alice')?.data).toEqual({ t_diary: "alice's diary" });
  token.current = null;
  tab.sync.stop();
  return { device, token };
}

/**
 * Bob signs in over Alice's `t_diary`, the app clears it and Bob syncs a todo; then another tab's
 * old copy in memory saves `diary` back: it meets Bob as other-account, never as his edit.
 */
async function bobEmptiesTheStoreThenAnOldCopySavesBack(server: FakeSyncServer, device: TestDevice, diary: string) {
  const bob = openTab({ server, device, token: { current: BOB } });
  await bob.sync.start();
  expect(bob.sync.getState().conflict).toMatchObject({ reason: 'other-account' });
  device.storage.removeItem('t_diary');
  await bob.sync.syncNow();
  expect(bob.sync.getState()).toMatchObject({ status: 'synced' });
  expect(bob.sync.getState().conflict).toBeUndefined();
  device.storage.setItem('t_todo', "bob's todo");
  await bob.sync.syncNow();
  expect(server.current('tenure', 'bob')?.data).toEqual({ t_todo: "bob's todo" });

  device.storage.setItem('t_diary', diary);
  await bob.sync.syncNow();
  expect(bob.sync.getState().conflict).toMatchObject({ reason: 'other-account' });
  expect(server.current('tenure', 'bob')?.data).toEqual({ t_todo: "bob's todo" });
}

describe('accounts on a shared browser (DESIGN §7.1)', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
  });
  afterEach(() => void vi.useRealTimers());

  it("never uploads the previous account's data into a new account that is empty: other-account conflict", async () => {
    const { device } = await aliceSignedOut(server);
    const bob = openTab({ server, device, token: { current: BOB } });
    await bob.sync.start();
    expect(server.current('tenure', 'bob')).toBeUndefined();
    expect(bob.sync.getState()).toMatchObject({
      status: 'conflict',
      conflict: { reason: 'other-account', serverVersion: 0 },
    });
    expect(server.log().filter((r) => r.startsWith('POST'))).toEqual(['POST /push']);
  });

  it('never uploads edits made while another account was signed in but never synced (offline) into the next account (seed 1593 of npm run sim)', async () => {
    const token = { current: ALICE as string | null };
    const tab = openTab({ server, token });
    tab.platform.emit('offline');
    await tab.sync.start();
    tab.write({ t_diary: "alice's diary, written offline" });
    tab.sync.notifyChanged();
    await vi.advanceTimersByTimeAsync(30_000);
    await tab.sync.idle();

    token.current = BOB;
    tab.platform.emit('online');
    await tab.sync.idle();
    expect(server.current('tenure', 'bob')).toBeUndefined();
    expect(tab.sync.getState()).toMatchObject({ status: 'conflict', conflict: { reason: 'other-account' } });
  });

  it('keeps an edit made just before another account signs in with the account that made it (seed 1795972571 of npm run sim)', async () => {
    const token = { current: ALICE as string | null };
    const tab = openTab({ server, token });
    server.failNext({ status: 503, code: 'UNAVAILABLE' });
    await tab.sync.start();
    tab.write({ t_diary: "alice's last words before bob takes the laptop" });
    tab.sync.notifyChanged();
    await vi.advanceTimersByTimeAsync(0);
    token.current = BOB;
    await vi.advanceTimersByTimeAsync(30_000);
    await tab.sync.idle();

    expect(server.current('tenure', 'bob')).toBeUndefined();
    expect(tab.sync.getState()).toMatchObject({ status: 'conflict', conflict: { reason: 'other-account' } });
  });

  it('keeps the local data of an account that forgot this device with that account, even if it never synced', async () => {
    const token = { current: ALICE as string | null };
    const tab = openTab({ server, token });
    tab.device.storage.setItem('t_diary', "alice's, never synced");
    await tab.sync.forget();
    token.current = BOB;
    const bob = openTab({ server, device: tab.device, token });
    await bob.sync.start();

    expect(server.current('tenure', 'bob')).toBeUndefined();
    expect(bob.sync.getState()).toMatchObject({ status: 'conflict', conflict: { reason: 'other-account' } });
  });

  it("never writes an account's pulled data once another account signed in while the server answered (seed 1795972617 of npm run sim)", async () => {
    await server.seed('tenure', data({ t_diary: "alice's diary" }), 'laptop', 'alice');
    const token = { current: ALICE as string | null };
    const tab = openTab({ server, token });
    server.onRequest = (request) => {
      if (request.path.endsWith('/pull')) token.current = BOB;
    };
    await tab.sync.start();
    await tab.sync.idle();

    expect(tab.device.storage.getItem('t_diary')).toBeNull();
  });

  it('leaves data edited by an account that signed in while another one synced with the account that edited it (seed 5069 of npm run sim)', async () => {
    const token = { current: ALICE as string | null };
    const tab = openTab({ server, token });
    let switched = false;
    server.onRequest = (request) => {
      if (switched || !request.path.endsWith('/meta')) return;
      switched = true;
      token.current = BOB;
      tab.write({ t_diary: "bob's, written while alice's sync was answered" });
      tab.sync.notifyChanged();
    };
    await tab.sync.start();
    await vi.advanceTimersByTimeAsync(30_000);
    await tab.sync.idle();

    expect(server.current('tenure', 'alice')).toBeUndefined();
    expect(server.current('tenure', 'bob')?.data).toEqual({
      t_diary: "bob's, written while alice's sync was answered",
    });
    expect(await tab.sync.listBackups()).toEqual([]);
  });

  it("never replaces the previous account's local data with the new account's data silently", async () => {
    await server.seed('tenure', data({ t_diary: "bob's diary" }), 'bobs-phone', 'bob');
    const { device } = await aliceSignedOut(server);
    const bob = openTab({ server, device, token: { current: BOB } });
    await bob.sync.start();
    expect(device.storage.getItem('t_diary')).toBe("alice's diary");
    expect(bob.sync.getState().conflict).toMatchObject({ reason: 'other-account', serverVersion: 1 });
  });

  it("never pushes the previous account's pending edit over the new account's data, even at the same version number", async () => {
    await server.seed('tenure', data({ t_diary: "bob's diary" }), 'bobs-phone', 'bob');
    const { device } = await aliceSignedOut(server);
    device.storage.setItem('t_diary', "alice's unsynced edit");
    const bob = openTab({ server, device, token: { current: BOB } });
    await bob.sync.start();
    bob.platform.emit('blur');
    await bob.sync.idle();
    expect(server.current('tenure', 'bob')?.data).toEqual({ t_diary: "bob's diary" });
    expect(bob.sync.getState().status).toBe('conflict');
  });

  it("keep-local uploads this device's data to the signed-in account with compare-and-swap on its version", async () => {
    await server.seed('tenure', data({ t_diary: "bob's diary" }), 'bobs-phone', 'bob');
    const { device } = await aliceSignedOut(server);
    const bob = openTab({ server, device, token: { current: BOB } });
    await bob.sync.start();
    await bob.sync.resolveConflict('keep-local');
    expect(server.current('tenure', 'bob')).toMatchObject({
      record: { version: 2 },
      data: { t_diary: "alice's diary" },
    });
    expect(bob.sync.getState()).toMatchObject({ status: 'synced', version: 2 });
    bob.write({ t_diary: 'now bob writes' });
    await bob.sync.syncNow();
    expect(server.current('tenure', 'bob')?.record.version).toBe(3);
  });

  it("use-server backs the local data up for its owner and replaces it with the signed-in account's data (empty if none)", async () => {
    const { device } = await aliceSignedOut(server);
    const bob = openTab({ server, device, token: { current: BOB } });
    await bob.sync.start();
    await bob.sync.resolveConflict('use-server');
    expect(device.storage.getItem('t_diary')).toBeNull();
    expect(bob.sync.getState()).toMatchObject({ status: 'synced', version: 0 });
    expect(await bob.sync.listBackups()).toEqual([]);
    bob.sync.stop();

    const alice = openTab({ server, device, token: { current: ALICE } });
    expect((await alice.sync.listBackups()).map((b) => [b.owner, b.data.t_diary])).toEqual([
      ['alice', "alice's diary"],
    ]);
  });

  it("keeps what an app writes back from its stale copy of the previous account's data in that account's backups, not the new account's (seed 5069 of npm run sim)", async () => {
    const { device } = await aliceSignedOut(server);
    const bob = openTab({ server, device, token: { current: BOB }, rereads: false, withoutReplaceListener: 'defer' });
    await bob.sync.start();
    await bob.sync.resolveConflict('use-server');
    // The app still shows Alice's diary from memory and saves it back, beside a note Bob typed.
    device.storage.setItem('t_diary', "alice's diary");
    device.storage.setItem('t_notes', "bob's note");
    await bob.sync.syncNow();
    expect(bob.sync.getState().conflict).toMatchObject({ reason: 'stale-write-back' });
    await bob.sync.resolveConflict('use-server');
    expect(server.current('tenure', 'bob')).toBeUndefined();
    expect((await bob.sync.listBackups()).map((b) => b.data)).toEqual([{ t_notes: "bob's note" }]);
    bob.sync.stop();

    const alice = openTab({ server, device, token: { current: ALICE } });
    expect((await alice.sync.listBackups()).map((b) => b.data)).toEqual([
      { t_diary: "alice's diary" },
      { t_diary: "alice's diary" },
    ]);
  });

  it("keeps an older value of the previous account that an app wrote back in that account's backups, even after the new account typed over it (seed 1796664060 of npm run sim)", async () => {
    const { device } = await aliceSignedOut(server);
    // A page that read Alice's diary before Bob typed over it, and never re-reads.
    const stale = openTab({ server, device, token: { current: BOB }, rereads: false, withoutReplaceListener: 'defer' });
    await stale.sync.start();
    device.storage.setItem('t_diary', "bob's diary");
    await stale.sync.resolveConflict('use-server');
    device.storage.setItem('t_diary', "alice's diary");
    await stale.sync.syncNow();
    expect(stale.sync.getState().conflict).toMatchObject({ reason: 'stale-write-back' });
    await stale.sync.resolveConflict('use-server');
    expect(await stale.sync.listBackups()).toEqual([]);
    stale.sync.stop();

    const alice = openTab({ server, device, token: { current: ALICE } });
    expect((await alice.sync.listBackups()).map((b) => b.data)).toEqual([
      { t_diary: "alice's diary" },
      { t_diary: "bob's diary" },
    ]);
  });

  it("meets the previous account's values another tab saves back after the app emptied the store as other-account, never as the new account's edit (seed 1796678475 of npm run sim)", async () => {
    const { device } = await aliceSignedOut(server);
    await bobEmptiesTheStoreThenAnOldCopySavesBack(server, device, "alice's diary");
  });

  it('meets values typed for an account that never synced, saved back after the app emptied the store, as other-account (seed 1796692861 of npm run sim)', async () => {
    const device = testDevice();
    const alice = openTab({ server, device, token: { current: ALICE } });
    alice.platform.emit('offline');
    await alice.sync.start();
    alice.write({ t_diary: "alice's unsynced diary" });
    alice.sync.notifyChanged();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await device.records.getOwner('tenure')).toBe('alice');
    alice.sync.stop();

    await bobEmptiesTheStoreThenAnOldCopySavesBack(server, device, "alice's unsynced diary");
  });

  it('meets a value the previous account typed over its synced one, saved back after the app emptied the store, as other-account (seed 1796801203 of npm run sim)', async () => {
    const device = testDevice();
    const alice = openTab({ server, device, token: { current: ALICE } });
    alice.write({ t_diary: "alice's diary" });
    await alice.sync.start();
    alice.platform.emit('offline');
    alice.write({ t_diary: "alice's diary, page two" });
    alice.sync.notifyChanged();
    await vi.advanceTimersByTimeAsync(1_000);
    alice.sync.stop();
    expect(server.current('tenure', 'alice')?.data).toEqual({ t_diary: "alice's diary" });

    await bobEmptiesTheStoreThenAnOldCopySavesBack(server, device, "alice's diary, page two");
  });

  it('lets the new account write a value the previous one had once it typed another one over it', async () => {
    const { device } = await aliceSignedOut(server);
    const bob = openTab({ server, device, token: { current: BOB } });
    await bob.sync.start();
    device.storage.removeItem('t_diary');
    await bob.sync.syncNow();
    device.storage.setItem('t_diary', "bob's diary");
    await bob.sync.syncNow();
    device.storage.setItem('t_diary', "alice's diary");
    await bob.sync.syncNow();
    expect(bob.sync.getState()).toMatchObject({ status: 'synced' });
    expect(bob.sync.getState().conflict).toBeUndefined();
    expect(server.current('tenure', 'bob')?.data).toEqual({ t_diary: "alice's diary" });
  });

  it("backs up the previous account's values an app wrote back for that account when it signs in again and uses its server data (seed 102764 of npm run sim)", async () => {
    const { device } = await aliceSignedOut(server);
    const bob = openTab({ server, device, token: { current: BOB }, rereads: false, withoutReplaceListener: 'defer' });
    await bob.sync.start();
    await bob.sync.resolveConflict('use-server');
    device.storage.setItem('t_diary', "alice's diary");
    bob.sync.stop();
    await server.seed('tenure', data({ t_diary: "alice's diary, written on her phone" }), 'alices-phone', 'alice');

    const alice = openTab({ server, device, token: { current: ALICE } });
    await alice.sync.start();
    expect(alice.sync.getState().conflict).toMatchObject({ reason: 'other-account' });
    await alice.sync.resolveConflict('use-server');
    expect((await alice.sync.listBackups()).map((b) => b.data)).toEqual([
      { t_diary: "alice's diary" },
      { t_diary: "alice's diary" },
    ]);
    alice.sync.stop();
    const bobAgain = openTab({ server, device, token: { current: BOB } });
    expect(await bobAgain.sync.listBackups()).toEqual([]);
  });

  it("never pushes the previous account's values an app wrote back into an account that forgot this device and signs in again (seed 102467 of npm run sim)", async () => {
    const { device } = await aliceSignedOut(server);
    const bobToken = { current: BOB as string | null };
    const bob = openTab({ server, device, token: bobToken, rereads: false, withoutReplaceListener: 'defer' });
    await bob.sync.start();
    await bob.sync.resolveConflict('use-server');
    device.storage.setItem('t_diary', "alice's diary");
    await bob.sync.forget();

    const again = openTab({ server, device, token: bobToken });
    await again.sync.start();
    expect(again.sync.getState().conflict).toMatchObject({ reason: 'other-account' });
    expect(server.current('tenure', 'bob')).toBeUndefined();
  });

  it("lists only the signed-in account's backups", async () => {
    await server.seed('tenure', data({ t_diary: "bob's diary" }), 'bobs-phone', 'bob');
    const { device } = await aliceSignedOut(server);
    const bob = openTab({ server, device, token: { current: BOB } });
    await bob.sync.start();
    await bob.sync.resolveConflict('use-server');
    expect(device.storage.getItem('t_diary')).toBe("bob's diary");
    expect(await bob.sync.listBackups()).toEqual([]);
  });

  it("syncs normally when the new account's user finds the local store empty", async () => {
    await server.seed('tenure', data({ t_diary: "bob's diary" }), 'bobs-phone', 'bob');
    const { device } = await aliceSignedOut(server);
    device.storage.removeItem('t_diary');
    const bob = openTab({ server, device, token: { current: BOB } });
    await bob.sync.start();
    expect(bob.sync.getState()).toMatchObject({ status: 'synced', version: 1 });
    expect(device.storage.getItem('t_diary')).toBe("bob's diary");
  });

  it('forget() after the app dropped its token still removes the record of the account that synced', async () => {
    const device = testDevice();
    const token = { current: ALICE as string | null };
    const alice = openTab({ server, device, token });
    alice.write({ t_diary: "alice's diary" });
    await alice.sync.start();
    token.current = null;
    await alice.sync.forget();
    expect((await device.records.getRecord('tenure', 'alice')).baseVersion).toBe(0);
  });

  it('forget() stops syncing and removes the record of the account; the local data stays and still belongs to it', async () => {
    const device = testDevice();
    const token = { current: ALICE as string | null };
    const alice = openTab({ server, device, token });
    alice.write({ t_diary: "alice's diary" });
    await alice.sync.start();
    await alice.sync.forget();
    expect(alice.sync.getState().status).toBe('idle');
    expect((await device.records.getRecord('tenure', 'alice')).lastSyncedChecksum).toBeNull();
    expect(device.storage.getItem('t_diary')).toBe("alice's diary");
    alice.write({ t_diary: 'written after forget' });
    alice.sync.notifyChanged();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.current('tenure', 'alice')?.data.t_diary).toBe("alice's diary");

    const bob = openTab({ server, device, token: { current: BOB } });
    await bob.sync.start();
    expect(bob.sync.getState().conflict?.reason).toBe('other-account');
    expect(server.current('tenure', 'bob')).toBeUndefined();
  });
});
