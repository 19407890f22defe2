// The two-devices page as the README and getting-started tell a person to use it: real clicks
// and typing, so focus moves between the devices (and blurs the one left) as it does by hand.
import type { Browser, BrowserContext, Frame, FrameLocator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, inject } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { uniqueUser } from './support/server.js';

const PROFILE = '[name="tenure_prospect_profile"]';
/** How long to wait for a sync to show: generous, the machine may be busy. */
const SYNC = { timeout: 20_000 };

let browser: Browser;
let context: BrowserContext | undefined;
beforeAll(async () => {
  browser = await launchChromium();
});
afterEach(async () => {
  await context?.close();
  context = undefined;
});
afterAll(async () => {
  await browser?.close();
});

interface TwoDevices {
  page: Page;
  a: FrameLocator;
  b: FrameLocator;
  status(device: 'A' | 'B'): Promise<{ status: string; version: number }>;
}

async function openTwoDevices(): Promise<TwoDevices> {
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${inject('baseUrl')}/two-devices.html?user=${uniqueUser('page')}`);
  const frame = (device: 'A' | 'B'): Frame => {
    const found = page.frames().find((f) => f.url().includes(`device=${device}`));
    if (!found) throw new Error(`no frame for device ${device}`);
    return found;
  };
  const status = (device: 'A' | 'B') =>
    frame(device).evaluate(() => (window as unknown as { demo: { sync: { getState(): { status: string; version: number } } } }).demo.sync.getState());
  for (const device of ['A', 'B'] as const) {
    await expect.poll(async () => (await status(device).catch(() => ({ status: 'loading' }))).status, SYNC).toBe('synced');
  }
  return { page, a: page.frameLocator('#device-a'), b: page.frameLocator('#device-b'), status };
}

const typeInto = async (page: Page, device: FrameLocator, text: string): Promise<void> => {
  await device.locator(PROFILE).click();
  await page.keyboard.type(text);
};

describe('the two-devices page, by hand', () => {
  it('README: type into A, press Sync now on A, then on B, and B shows the change without a conflict', async () => {
    const { page, a, b, status } = await openTwoDevices();
    await typeInto(page, a, 'typed on A');
    await a.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(async () => (await status('A')).version, SYNC).toBe(1);
    await b.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => b.locator(PROFILE).inputValue(), SYNC).toBe('typed on A');
    expect(await status('A')).toMatchObject({ status: 'synced', version: 1 });
    expect(await status('B')).toMatchObject({ status: 'synced', version: 1 });
  });

  it('getting-started: type into A, then into B, then click back into A, and B asks which copy to keep', async () => {
    const { page, a, b, status } = await openTwoDevices();
    await typeInto(page, a, 'from A');
    await typeInto(page, b, 'from B');
    await a.locator(PROFILE).click();
    await expect.poll(async () => (await status('B')).status, SYNC).toBe('conflict');
    await expect.poll(() => b.getByRole('dialog').isVisible(), SYNC).toBe(true);
    expect(await status('A')).toMatchObject({ status: 'synced', version: 1 });
  });

  it('lists each server version once after a restore', async () => {
    const { a, status } = await openTwoDevices();
    for (const [i, text] of ['one', 'two', 'three'].entries()) {
      await a.locator(PROFILE).fill(text);
      await a.getByRole('button', { name: 'Sync now' }).click();
      await expect.poll(async () => (await status('A')).version, SYNC).toBe(i + 1);
    }
    await a.locator('body').evaluate(() => (window as unknown as { demo: { sync: { restore(v: number): Promise<void> } } }).demo.sync.restore(1));
    await expect.poll(async () => (await status('A')).version, SYNC).toBe(4);
    await expect.poll(() => a.locator('taco-sync-history li[part~="version"]').count(), SYNC).toBe(4);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await a.locator('taco-sync-history li[part~="version"]').count()).toBe(4);
  });

  it('keeps "Sign out" on the account row\'s line', async () => {
    const { a } = await openTwoDevices();
    const signOut = await a.getByRole('button', { name: 'Sign out' }).boundingBox();
    const user = await a.getByLabel('User').boundingBox();
    expect(signOut).not.toBeNull();
    expect(Math.abs(signOut!.y + signOut!.height / 2 - (user!.y + user!.height / 2))).toBeLessThan(4);
  });
});
