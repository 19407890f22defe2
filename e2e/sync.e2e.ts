import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { Device } from './support/device.js';
import { ServerClient, uniqueUser } from './support/server.js';

const PROFILE = 'tenure_prospect_profile';
const GOALS = 'tenure_prosper_goals';

let browser: Browser;
const open: Device[] = [];
const device = async (user: string, name: string, clock = false): Promise<Device> => {
  const d = await Device.open(browser, { user, name, clock });
  open.push(d);
  return d;
};

beforeAll(async () => {
  browser = await launchChromium();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});
afterAll(async () => {
  await browser?.close();
});

const until = async <T>(read: () => Promise<T>, ok: (value: T) => boolean, timeout = 20_000): Promise<T> => {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** Device A pushes `value` as version 1; device B then starts and pulls it. */
const twoSyncedDevices = async (user: string, server: ServerClient, value: string): Promise<{ a: Device; b: Device }> => {
  const a = await device(user, 'A');
  await a.edit(PROFILE, value);
  await a.syncNow();
  await until(() => server.meta(), (m) => m.exists);
  const b = await device(user, 'B');
  await b.waitForStatus('synced');
  return { a, b };
};

describe('two devices against wrangler dev', () => {
  it('pushes at once when the tab is hidden, and the other device pulls it with storage events', async () => {
    const user = uniqueUser('hidden');
    const server = new ServerClient(user);
    const a = await device(user, 'A');
    await a.edit(PROFILE, 'Staff engineer, Lisbon');
    await a.hide();
    const meta = await until(() => server.meta(), (m) => m.exists);
    expect(meta.meta?.version).toBe(1);
    expect((await server.pull()).data[PROFILE]).toBe('Staff engineer, Lisbon');
    expect(a.pushes).toHaveLength(1);

    const b = await device(user, 'B');
    await b.waitForStatus('synced');
    expect(await b.value(PROFILE)).toBe('Staff engineer, Lisbon');
    expect(await b.storageEvents()).toContainEqual({ key: PROFILE, newValue: 'Staff engineer, Lisbon' });
    expect(b.pushes).toHaveLength(0);
  });

  it('pushes exactly once, 30 s after the last of several edits', async () => {
    const user = uniqueUser('debounce');
    const server = new ServerClient(user);
    const a = await device(user, 'A', true);
    await a.edit(PROFILE, 'one');
    await a.page.clock.fastForward(20_000);
    await a.edit(PROFILE, 'two');
    await a.page.clock.fastForward(20_000);
    await a.edit(PROFILE, 'three');
    await a.page.clock.fastForward(29_000);
    expect(a.pushes).toHaveLength(0);
    await a.page.clock.fastForward(2_000);
    await until(() => server.meta(), (m) => m.exists);
    await a.waitForStatus('synced');
    expect(a.pushes).toHaveLength(1);
    const pulled = await server.pull();
    expect(pulled.meta.version).toBe(1);
    expect(pulled.data[PROFILE]).toBe('three');
  });

  it('raises a conflict for the second device; "Keep my changes" wins and the other device pulls it', async () => {
    const user = uniqueUser('keep');
    const server = new ServerClient(user);
    const { a, b } = await twoSyncedDevices(user, server, 'base');

    await a.edit(PROFILE, 'from A');
    await b.edit(PROFILE, 'from B');
    await a.syncNow();
    await until(() => server.meta(), (m) => m.meta?.version === 2);
    await b.syncNow();
    const conflict = await b.waitForStatus('conflict');
    expect(conflict.conflict?.diff.changed).toEqual([PROFILE]);
    const dialog = b.page.getByRole('dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Keep my changes' }).click();
    await b.waitForStatus('synced');
    await expect.poll(() => dialog.isVisible()).toBe(false);

    const pulled = await server.pull();
    expect(pulled.meta.version).toBe(3);
    expect(pulled.data[PROFILE]).toBe('from B');
    await a.syncNow();
    // A's "from A" was pushed as v2, so A has no unsynced changes: it pulls B's data silently.
    await until(() => a.value(PROFILE), (v) => v === 'from B');
    expect(await a.value(PROFILE)).toBe('from B');
    expect((await a.state()).status).toBe('synced');
  });

  it('"Use server data" replaces local data, keeps a backup, and the backup restores', async () => {
    const user = uniqueUser('use-server');
    const server = new ServerClient(user);
    const { a, b } = await twoSyncedDevices(user, server, 'base');

    await a.edit(PROFILE, 'server copy');
    await a.syncNow();
    await until(() => server.meta(), (m) => m.meta?.version === 2);
    await b.edit(PROFILE, 'my local copy');
    await b.syncNow();
    await b.waitForStatus('conflict');
    await b.page.getByRole('dialog').getByRole('button', { name: 'Use server data' }).click();
    await b.waitForStatus('synced');
    expect(await b.value(PROFILE)).toBe('server copy');
    expect((await server.pull()).meta.version).toBe(2);

    const backups = await b.page.evaluate(() => (window as any).demo.sync.listBackups());
    expect(backups).toHaveLength(1);
    expect(backups[0].data[PROFILE]).toBe('my local copy');
    await b.page.evaluate((id) => (window as any).demo.sync.restoreBackup(id), backups[0].id);
    await until(() => b.value(PROFILE), (v) => v === 'my local copy');
    expect(await b.value(PROFILE)).toBe('my local copy');
  });

  it('queues edits while offline without a request, then pushes exactly once with the latest data', async () => {
    const user = uniqueUser('offline');
    const server = new ServerClient(user);
    const a = await device(user, 'A');
    // The start's meta read and the history list's read finish first, so every request counted
    // below was made while offline.
    await a.waitForStatus('synced');
    await expect.poll(() => a.page.evaluate(() => (document.querySelector('taco-sync-history')?.shadowRoot?.textContent ?? '').includes('Nothing is saved on the server yet.')), { timeout: 20_000 }).toBe(true);
    await Promise.all(a.apiRequests.map((request) => request.response().catch(() => null)));
    await a.context.setOffline(true);
    await a.waitForStatus('offline');
    await expect.poll(() => a.page.locator('#online').textContent()).toBe('Offline');
    const before = a.apiRequests.length;
    await a.edit(PROFILE, 'offline 1');
    await a.edit(PROFILE, 'offline 2');
    await a.hide();
    await a.show();
    await new Promise((r) => setTimeout(r, 500));
    expect(a.apiRequests.slice(before).map((request) => `${request.method()} ${request.url()}`)).toEqual([]);
    expect((await a.state()).status).toBe('offline');

    await a.context.setOffline(false);
    await a.waitForStatus('synced');
    expect(a.pushes).toHaveLength(1);
    const pulled = await server.pull();
    expect(pulled.meta.version).toBe(1);
    expect(pulled.data[PROFILE]).toBe('offline 2');
  });

  it('pushes on the next start a change made just before a reload, mid-debounce', async () => {
    const user = uniqueUser('reload');
    const server = new ServerClient(user);
    const a = await device(user, 'A');
    await a.edit(PROFILE, 'typed then reloaded');
    expect(a.pushes).toHaveLength(0);
    // A reload fires pagehide, which sends a keepalive push; either way nothing may be lost.
    await a.page.reload();
    await a.waitForStatus('synced');
    const pulled = await until(() => server.pull().catch(() => null), (p) => p !== null);
    expect(pulled?.data[PROFILE]).toBe('typed then reloaded');
    expect(pulled?.meta.version).toBe(1);
  });

  it('two tabs of one device edit without a conflict between them; the server ends with the last edit', async () => {
    const user = uniqueUser('tabs');
    const server = new ServerClient(user);
    const a = await device(user, 'A');
    const second = await a.newTab(user);
    await a.edit(PROFILE, 'tab one');
    await a.syncNow();
    await a.edit(GOALS, 'goal from tab two', second);
    await a.syncNow(second);
    await a.edit(PROFILE, 'tab one, again');
    await Promise.all([a.syncNow(), a.syncNow(second)]);
    await until(() => server.pull().catch(() => null), (p) => p?.data[PROFILE] === 'tab one, again');
    for (const page of [a.page, second]) {
      const state = await a.state(page);
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
    const a = await device(user, 'A');
    await a.edit(PROFILE, 'survives a 500');
    await server.failNext(500, 1);
    await a.syncNow();
    await a.waitForStatus('synced');
    const pulled = await server.pull();
    expect(pulled.meta.version).toBe(1);
    expect(pulled.data[PROFILE]).toBe('survives a 500');
    // The injected 500 hits the first API request of the attempt (meta or push); the SDK retries it.
    const statuses = await Promise.all(a.apiRequests.map(async (r) => (await r.response())?.status()));
    expect(statuses.filter((s) => s === 500)).toHaveLength(1);
    const pushStatuses = await Promise.all(a.pushes.map(async (r) => (await r.response())?.status()));
    expect(pushStatuses.filter((s) => s === 200)).toHaveLength(1);
  });

  it('restoring an older version makes it the newest on every device', async () => {
    const user = uniqueUser('restore');
    const server = new ServerClient(user);
    const a = await device(user, 'A');
    await a.edit(PROFILE, 'version one');
    await a.syncNow();
    await until(() => server.meta(), (m) => m.meta?.version === 1);
    await a.edit(PROFILE, 'version two');
    await a.syncNow();
    await until(() => server.meta(), (m) => m.meta?.version === 2);
    const b = await device(user, 'B');
    await b.waitForStatus('synced');
    expect(await b.value(PROFILE)).toBe('version two');

    // <taco-sync-history> lists the versions by itself; a restore waits for its confirmation.
    await a.page.getByRole('button', { name: 'Restore version 1' }).click();
    expect((await server.meta()).meta?.version).toBe(2);
    await a.page.getByRole('group', { name: 'Restore version 1' }).getByRole('button', { name: 'Restore version 1' }).click();
    await until(() => server.meta(), (m) => m.meta?.version === 3);
    const pulled = await server.pull();
    expect(pulled.data[PROFILE]).toBe('version one');
    await until(() => a.value(PROFILE), (v) => v === 'version one');
    expect(await a.value(PROFILE)).toBe('version one');

    await b.syncNow();
    await until(() => b.value(PROFILE), (v) => v === 'version one');
    expect(await b.value(PROFILE)).toBe('version one');
    expect((await b.state()).version).toBe(3);
  });
});
