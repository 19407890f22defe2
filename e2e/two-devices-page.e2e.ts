// The two-devices page as the README and getting-started tell a person to use it: real clicks
// and typing, so focus moves between the devices (and blurs the one left) as it does by hand.
import { expect, inject, it } from 'vitest';
import type { SyncState } from '../sdk/core/sync-state.js';
import { eachEngine, type Device, type Devices, type Tab } from './support/device.js';
import { ServerClient, uniqueUser } from './support/server.js';

const PROFILE = '[name="tenure_prospect_profile"]';

interface TwoDevices {
  user: string;
  page: Device;
  a: Tab;
  b: Tab;
  status(device: 'A' | 'B'): Promise<SyncState>;
}

async function openTwoDevices(devices: Devices): Promise<TwoDevices> {
  const page = await devices.blank({ width: 1400, height: 900 });
  // The page puts device A on the dev server's origin and device B on the next port, so it is
  // opened there and not through the device's relay.
  const user = uniqueUser('page');
  await page.goto(`${inject('baseUrl')}/two-devices.html?user=${user}`);
  const a = await page.frame('#device-a');
  const b = await page.frame('#device-b');
  await page.waitForStatus('synced', a);
  await page.waitForStatus('synced', b);
  return { user, page, a, b, status: (device) => page.state(device === 'A' ? a : b) };
}

/** Each kept version of `user`'s data: number, the device that pushed it, and its data. */
async function serverStory(user: string): Promise<string> {
  const server = new ServerClient(user);
  const headers = await server.authHeader();
  const versions = (await server.meta()).versions ?? [];
  const story = await Promise.all(
    versions.map(async (v) => {
      const res = await fetch(`${server.baseUrl}/api/sync/tenure/history/${v.version}`, { headers });
      const data = res.ok ? JSON.stringify(((await res.json()) as { data: unknown }).data) : `HTTP ${res.status}`;
      return `v${v.version} by ${v.deviceName ?? v.deviceId} at ${v.lastModified}: ${data}`;
    }),
  );
  return story.join('; ');
}

const historyVersions = (page: Device, frame: Tab): Promise<number> =>
  page.evaluate(
    () => document.querySelector('taco-sync-history')?.shadowRoot?.querySelectorAll('li[part~="version"]').length ?? 0,
    undefined,
    frame,
  );

eachEngine('the two-devices page, by hand', (devices) => {
  it('README: type into A, press Sync now on A, then on B, and B shows the change without a conflict', async () => {
    const { page, a, b, status } = await openTwoDevices(devices);
    await page.type(PROFILE, 'typed on A', a);
    await page.syncNow(a);
    await expect.poll(async () => (await status('A')).version).toBe(1);
    await page.syncNow(b);
    await expect.poll(() => page.value('tenure_prospect_profile', b)).toBe('typed on A');
    // The page has live updates on: A's announcement may reach B just after its Sync now, and the
    // check it starts ends at the same version.
    await expect.poll(() => status('A')).toMatchObject({ status: 'synced', version: 1 });
    await expect.poll(() => status('B')).toMatchObject({ status: 'synced', version: 1 });
  });

  it('getting-started: type into A, then into B, then click back into A, and B asks which copy to keep', async () => {
    const { page, a, b, status } = await openTwoDevices(devices);
    await page.type(PROFILE, 'from A', a);
    await page.type(PROFILE, 'from B', b);
    await page.clickOn(PROFILE, a);
    await expect.poll(async () => (await status('B')).status).toBe('conflict');
    await expect.poll(() => page.isShown('dialog', undefined, b)).toBe(true);
    expect(await status('A')).toMatchObject({ status: 'synced', version: 1 });
  });

  it('lists each server version once after a restore', async () => {
    const { user, page, a, status } = await openTwoDevices(devices);
    const server = new ServerClient(user);
    for (const text of ['one', 'two', 'three']) {
      await page.fill(PROFILE, text, a);
      await page.syncNow(a);
      await expect.poll(async () => (await server.pull()).data['tenure_prospect_profile']).toBe(text);
    }
    // WebDriver input in WebKit may blur the page mid-typing, and the SDK then pushes what is typed
    // so far (a person leaving): count the versions the server holds, not the fills.
    await page.evaluate(
      () => (window as unknown as { demo: { sync: { restore(v: number): Promise<void> } } }).demo.sync.restore(1),
      undefined,
      a,
    );
    const head = async () => (await server.meta()).meta?.version ?? 0;
    await expect.poll(async () => (await server.pull()).data['tenure_prospect_profile']).toBe('one');
    await expect.poll(async () => (await status('A')).version).toBe(await head());
    const kept = async () => (await server.meta()).availableVersions.length;
    const listed = async () =>
      `${await historyVersions(page, a)} listed, ${await kept()} kept: ${await serverStory(user)}`;
    await expect.poll(async () => (await historyVersions(page, a)) === (await kept()), { timeout: 10_000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await historyVersions(page, a)) === (await kept()), await listed()).toBe(true);
  });

  it('keeps "Sign out" on the account row\'s line', async () => {
    const { page, a } = await openTwoDevices(devices);
    const middles = await page.evaluate(
      () =>
        ['#signout', '#user'].map((s) => {
          const box = document.querySelector(s)?.getBoundingClientRect();
          return box && box.height > 0 ? box.y + box.height / 2 : null;
        }),
      undefined,
      a,
    );
    expect(middles[0]).not.toBeNull();
    expect(Math.abs(middles[0]! - middles[1]!)).toBeLessThan(4);
  });
});
