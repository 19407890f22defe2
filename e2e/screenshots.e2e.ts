import { statSync } from 'node:fs';
import { inject, expect, it } from 'vitest';
import { eachEngine, type Device } from './support/device.js';
import { ServerClient, uniqueUser } from './support/server.js';

const PROFILE = 'tenure_prospect_profile';

/** Once the device's requests are answered, saves a screenshot and checks it holds a real picture, not a blank page. */
const shot = async (device: Device, name: string, tab = device.tab): Promise<void> => {
  await device.settled();
  const path = await device.screenshot(name, tab);
  expect(statSync(path).size).toBeGreaterThan(10_000);
};

eachEngine('example pages, as a person sees them', (devices) => {
  it('renders the index page with its links', async () => {
    const device = await devices.blank({ width: 1100, height: 700 });
    await device.goto('/');
    for (const name of ['Two devices side by side', 'Tenure', 'Tempo']) {
      expect(await device.isShown('link', name)).toBe(true);
    }
    await shot(device, 'example-index');
  });

  it('renders the Tenure and Tempo pages synced', async () => {
    const user = uniqueUser('shots');
    for (const app of ['tenure', 'tempo']) {
      const device = await devices.open({ user, app });
      await device.waitForStatus('synced');
      await shot(device, `example-${app}`);
    }
  });

  it('renders the conflict dialog', async () => {
    const user = uniqueUser('shots-conflict');
    const server = new ServerClient(user);
    const a = await devices.open({ user, name: 'A' });
    await a.edit(PROFILE, 'Staff engineer, Lisbon');
    await a.syncNow();
    await expect.poll(async () => (await server.meta()).exists).toBe(true);
    const b = await devices.open({ user, name: 'B' });
    await b.waitForStatus('synced');
    await a.edit(PROFILE, 'Principal engineer, Porto');
    await a.syncNow();
    await expect.poll(async () => (await server.meta()).meta?.version).toBe(2);
    await b.edit(PROFILE, 'Staff engineer, Lisbon (remote)');
    await b.edit('tenure_prosper_goals', 'Ship taco-sync 1.0');
    await b.syncNow();
    await b.waitForStatus('conflict');
    await expect.poll(() => b.isShown('dialog')).toBe(true);
    await shot(b, 'example-conflict');
  });

  it('renders the two-devices page with a change moved across', async () => {
    const user = uniqueUser('shots-two');
    const device = await devices.blank({ width: 1400, height: 900 });
    // The page puts device A on its own origin and device B on the next port: the dev server's
    // two origins, so this page is opened there and not through the device's relay.
    await device.goto(`${inject('baseUrl')}/two-devices.html?user=${user}`);
    const a = await device.frame('#device-a');
    const b = await device.frame('#device-b');
    await device.waitForReady(a);
    await device.waitForReady(b);
    await device.edit(PROFILE, 'Typed on device A', a);
    await device.syncNow(a);
    await expect.poll(async () => (await new ServerClient(user).meta()).exists).toBe(true);
    await device.syncNow(b);
    await expect.poll(() => device.value(PROFILE, b)).toBe('Typed on device A');
    await shot(device, 'example-two-devices');
  });
});
