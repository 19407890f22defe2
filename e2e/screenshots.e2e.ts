import { mkdirSync, statSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { Device } from './support/device.js';
import { ServerClient, uniqueUser } from './support/server.js';

const OUT = 'test-results/screenshots';
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const shot = async (device: Device, name: string): Promise<void> => {
  const path = `${OUT}/${name}.png`;
  await device.page.screenshot({ path, fullPage: true });
  expect(statSync(path).size).toBeGreaterThan(10_000);
};

describe('example pages, as a person sees them', () => {
  it('renders the index page with its links', async () => {
    const { inject } = await import('vitest');
    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    await page.goto(`${inject('baseUrl')}/`);
    for (const name of ['Two devices side by side', 'Tenure', 'Tempo']) {
      expect(await page.getByRole('link', { name }).count()).toBe(1);
    }
    const path = `${OUT}/example-index.png`;
    await page.screenshot({ path, fullPage: true });
    expect(statSync(path).size).toBeGreaterThan(10_000);
    await page.close();
  });

  it('renders the Tenure and Tempo pages synced', async () => {
    const user = uniqueUser('shots');
    for (const app of ['tenure', 'tempo']) {
      const d = await Device.open(browser, { user, app });
      await d.waitForStatus('synced');
      await shot(d, `example-${app}`);
      await d.close();
    }
  });

  it('renders the conflict dialog', async () => {
    const user = uniqueUser('shots-conflict');
    const server = new ServerClient(user);
    const a = await Device.open(browser, { user, name: 'A' });
    await a.edit('tenure_prospect_profile', 'Staff engineer, Lisbon');
    await a.syncNow();
    await expect.poll(async () => (await server.meta()).exists).toBe(true);
    const b = await Device.open(browser, { user, name: 'B' });
    await b.waitForStatus('synced');
    await a.edit('tenure_prospect_profile', 'Principal engineer, Porto');
    await a.syncNow();
    await expect.poll(async () => (await server.meta()).meta?.version).toBe(2);
    await b.edit('tenure_prospect_profile', 'Staff engineer, Lisbon (remote)');
    await b.edit('tenure_prosper_goals', 'Ship taco-sync 1.0');
    await b.syncNow();
    await b.waitForStatus('conflict');
    await b.page.getByRole('dialog').waitFor();
    await shot(b, 'example-conflict');
    await Promise.all([a.close(), b.close()]);
  });

  it('renders the two-devices page with a change moved across', async () => {
    const user = uniqueUser('shots-two');
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const { inject } = await import('vitest');
    await page.goto(`${inject('baseUrl')}/two-devices.html?user=${user}`);
    const a = page.frameLocator('#device-a');
    const b = page.frameLocator('#device-b');
    await a.getByRole('button', { name: 'Sync now' }).waitFor();
    await b.getByRole('button', { name: 'Sync now' }).waitFor();
    await a.locator('[name="tenure_prospect_profile"]').fill('Typed on device A');
    await a.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(async () => (await new ServerClient(user).meta()).exists).toBe(true);
    await b.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => b.locator('[name="tenure_prospect_profile"]').inputValue()).toBe('Typed on device A');
    const path = `${OUT}/example-two-devices.png`;
    await page.screenshot({ path });
    expect(statSync(path).size).toBeGreaterThan(10_000);
    await context.close();
  });
});
