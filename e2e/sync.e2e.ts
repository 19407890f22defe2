import { expect, it } from 'vitest';
import { eachEngine, type Device, type Devices } from './support/device.js';
import { ServerClient, uniqueUser } from './support/server.js';

const PROFILE = 'tenure_prospect_profile';
const GOALS = 'tenure_prosper_goals';

const until = async <T>(read: () => Promise<T>, ok: (value: T) => boolean, timeout = 30_000): Promise<T> => {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** Device A pushes `value` as version 1; device B then starts and pulls it. */
const twoSyncedDevices = async (
  devices: Devices,
  user: string,
  server: ServerClient,
  value: string,
): Promise<{ a: Device; b: Device }> => {
  const a = await devices.open({ user, name: 'A' });
  await a.edit(PROFILE, value);
  await a.syncNow();
  await until(
    () => server.meta(),
    (m) => m.exists,
  );
  const b = await devices.open({ user, name: 'B' });
  await b.waitForStatus('synced');
  return { a, b };
};

eachEngine('two devices against wrangler dev', (devices) => {
  it('pushes at once when the tab is hidden, and the other device pulls it with storage events', async () => {
    const user = uniqueUser('hidden');
    const server = new ServerClient(user);
    const a = await devices.open({ user, name: 'A' });
    await a.edit(PROFILE, 'Staff engineer, Lisbon');
    await a.hide();
    const meta = await until(
      () => server.meta(),
      (m) => m.exists,
    );
    expect(meta.meta?.version).toBe(1);
    expect((await server.pull()).data[PROFILE]).toBe('Staff engineer, Lisbon');
    expect(a.pushes).toHaveLength(1);

    const b = await devices.open({ user, name: 'B' });
    await b.waitForStatus('synced');
    expect(await b.value(PROFILE)).toBe('Staff engineer, Lisbon');
    expect(await b.storageEvents()).toContainEqual({ key: PROFILE, newValue: 'Staff engineer, Lisbon' });
    expect(b.pushes).toHaveLength(0);
  });

  it('pushes exactly once, 30 s after the last of several edits', async () => {
    const user = uniqueUser('debounce');
    const server = new ServerClient(user);
    const a = await devices.open({ user, name: 'A', clock: true });
    await a.edit(PROFILE, 'one');
    await a.clock.fastForward(20_000);
    await a.edit(PROFILE, 'two');
    await a.clock.fastForward(20_000);
    await a.edit(PROFILE, 'three');
    await a.clock.fastForward(29_000);
    expect(a.pushes).toHaveLength(0);
    await a.clock.fastForward(2_000);
    await until(
      () => server.meta(),
      (m) => m.exists,
    );
    await a.waitForStatus('synced');
    expect(a.pushes).toHaveLength(1);
    const pulled = await server.pull();
    expect(pulled.meta.version).toBe(1);
    expect(pulled.data[PROFILE]).toBe('three');
  });

  it('raises a conflict for the second device; "Keep my changes" wins and the other device pulls it', async () => {
    const user = uniqueUser('keep');
    const server = new ServerClient(user);
    const { a, b } = await twoSyncedDevices(devices, user, server, 'base');

    await a.edit(PROFILE, 'from A');
    await b.edit(PROFILE, 'from B');
    await a.syncNow();
    await until(
      () => server.meta(),
      (m) => m.meta?.version === 2,
    );
    await b.syncNow();
    const conflict = await b.waitForStatus('conflict');
    expect(conflict.conflict?.diff.changed).toEqual([PROFILE]);
    await expect.poll(() => b.isShown('dialog')).toBe(true);
    await b.click('Keep my changes', { within: 'dialog' });
    await b.waitForStatus('synced');
    await expect.poll(() => b.isShown('dialog')).toBe(false);

    const pulled = await server.pull();
    expect(pulled.meta.version).toBe(3);
    expect(pulled.data[PROFILE]).toBe('from B');
    await a.syncNow();
    // A's "from A" was pushed as v2, so A has no unsynced changes: it pulls B's data silently.
    await until(
      () => a.value(PROFILE),
      (v) => v === 'from B',
    );
    expect(await a.value(PROFILE)).toBe('from B');
    expect((await a.state()).status).toBe('synced');
  });

  it('"Use server data" replaces local data, keeps a backup, and the backup restores', async () => {
    const user = uniqueUser('use-server');
    const server = new ServerClient(user);
    const { a, b } = await twoSyncedDevices(devices, user, server, 'base');

    await a.edit(PROFILE, 'server copy');
    await a.syncNow();
    await until(
      () => server.meta(),
      (m) => m.meta?.version === 2,
    );
    await b.edit(PROFILE, 'my local copy');
    await b.syncNow();
    await b.waitForStatus('conflict');
    await b.click('Use server data', { within: 'dialog' });
    await b.waitForStatus('synced');
    expect(await b.value(PROFILE)).toBe('server copy');
    expect((await server.pull()).meta.version).toBe(2);

    const backups = await b.evaluate(() => (window as any).demo.sync.listBackups());
    expect(backups).toHaveLength(1);
    expect(backups[0].data[PROFILE]).toBe('my local copy');
    await b.evaluate((id) => (window as any).demo.sync.restoreBackup(id), backups[0].id);
    await until(
      () => b.value(PROFILE),
      (v) => v === 'my local copy',
    );
    expect(await b.value(PROFILE)).toBe('my local copy');
  });

  it('queues edits while offline without a request, then pushes exactly once with the latest data', async () => {
    const user = uniqueUser('offline');
    const server = new ServerClient(user);
    const a = await devices.open({ user, name: 'A' });
    // The start's meta read and the history list's read finish first, so every request counted
    // below was made while offline.
    await a.waitForStatus('synced');
    await a.waitFor(
      () =>
        (document.querySelector('taco-sync-history')?.shadowRoot?.textContent ?? '').includes(
          'Nothing is saved on the server yet.',
        ),
      undefined,
      { timeout: 20_000 },
    );
    await a.settled();
    await a.setOffline(true);
    await a.waitForStatus('offline');
    await expect.poll(() => a.text('#online')).toBe('Offline');
    const before = a.requests.length;
    await a.edit(PROFILE, 'offline 1');
    await a.edit(PROFILE, 'offline 2');
    await a.hide();
    await a.show();
    await new Promise((r) => setTimeout(r, 500));
    expect(a.requests.slice(before).map((request) => `${request.method} ${request.path}`)).toEqual([]);
    expect((await a.state()).status).toBe('offline');

    await a.setOffline(false);
    await a.waitForStatus('synced');
    expect(a.pushes).toHaveLength(1);
    const pulled = await server.pull();
    expect(pulled.meta.version).toBe(1);
    expect(pulled.data[PROFILE]).toBe('offline 2');
  });

  it('pushes on the next start a change made just before a reload, mid-debounce', async () => {
    const user = uniqueUser('reload');
    const server = new ServerClient(user);
    const a = await devices.open({ user, name: 'A' });
    await a.edit(PROFILE, 'typed then reloaded');
    expect(a.pushes).toHaveLength(0);
    // A reload fires pagehide, which sends a keepalive push; either way nothing may be lost.
    await a.reload();
    await a.waitForStatus('synced');
    const pulled = await until(
      () => server.pull().catch(() => null),
      (p) => p !== null,
    );
    expect(pulled?.data[PROFILE]).toBe('typed then reloaded');
    expect(pulled?.meta.version).toBe(1);
  });

  it('two tabs of one device edit without a conflict between them; the server ends with the last edit', async () => {
    const user = uniqueUser('tabs');
    const server = new ServerClient(user);
    const a = await devices.open({ user, name: 'A' });
    const second = await a.newTab({ user });
    await a.edit(PROFILE, 'tab one');
    await a.syncNow();
    await a.edit(GOALS, 'goal from tab two', second);
    await a.syncNow(second);
    await a.edit(PROFILE, 'tab one, again');
    await Promise.all([a.syncNow(), a.syncNow(second)]);
    await until(
      () => server.pull().catch(() => null),
      (p) => p?.data[PROFILE] === 'tab one, again',
    );
    for (const tab of [a.tab, second]) {
      const state = await a.state(tab);
      expect(state.status).not.toBe('conflict');
    }
    await a.waitForStatus('synced');
    await a.waitForStatus('synced', second);
    const pulled = await server.pull();
    expect(pulled.data).toMatchObject({ [PROFILE]: 'tab one, again', [GOALS]: 'goal from tab two' });
  });

  it('retries with backoff after a 500 and the data arrives once', async () => {
    const user = uniqueUser('retry');
    const server = new ServerClient(user);
    const a = await devices.open({ user, name: 'A' });
    await a.edit(PROFILE, 'survives a 500');
    await server.failNext(500, 1);
    await a.syncNow();
    await a.waitForStatus('synced');
    const pulled = await server.pull();
    expect(pulled.meta.version).toBe(1);
    expect(pulled.data[PROFILE]).toBe('survives a 500');
    // The injected 500 hits the first API request of the attempt (meta or push); the SDK retries it.
    expect(a.requests.filter((r) => r.status === 500)).toHaveLength(1);
    expect(a.pushes.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('syncs while the browser refuses to keep its storage (storage.persist() answers false)', async () => {
    const user = uniqueUser('persist');
    const server = new ServerClient(user);
    const a = await devices.open({ user, name: 'A', query: { persist: '1' } });
    // Each engine here refuses: headless Chromium by its heuristics, Firefox as a person dismissing
    // its prompt (see firefox.ts), WebKitGTK's MiniBrowser always.
    await until(
      () => a.state(),
      (s) => s.storagePersisted !== null,
    );
    expect((await a.state()).storagePersisted).toBe(false);
    await a.edit(PROFILE, 'kept on the server anyway');
    await a.syncNow();
    await a.waitForStatus('synced');
    expect((await server.pull()).data[PROFILE]).toBe('kept on the server anyway');
  });

  it('restoring an older version makes it the newest on every device', async () => {
    const user = uniqueUser('restore');
    const server = new ServerClient(user);
    const a = await devices.open({ user, name: 'A' });
    await a.edit(PROFILE, 'version one');
    await a.syncNow();
    await until(
      () => server.meta(),
      (m) => m.meta?.version === 1,
    );
    await a.edit(PROFILE, 'version two');
    await a.syncNow();
    await until(
      () => server.meta(),
      (m) => m.meta?.version === 2,
    );
    const b = await devices.open({ user, name: 'B' });
    await b.waitForStatus('synced');
    expect(await b.value(PROFILE)).toBe('version two');

    // <taco-sync-history> lists the versions by itself; a restore waits for its confirmation.
    await a.click('Restore version 1');
    expect((await server.meta()).meta?.version).toBe(2);
    await a.click('Restore version 1', { within: 'group' });
    await until(
      () => server.meta(),
      (m) => m.meta?.version === 3,
    );
    const pulled = await server.pull();
    expect(pulled.data[PROFILE]).toBe('version one');
    await until(
      () => a.value(PROFILE),
      (v) => v === 'version one',
    );
    expect(await a.value(PROFILE)).toBe('version one');

    await b.syncNow();
    await until(
      () => b.value(PROFILE),
      (v) => v === 'version one',
    );
    expect(await b.value(PROFILE)).toBe('version one');
    expect((await b.state()).version).toBe(3);
  });
});
