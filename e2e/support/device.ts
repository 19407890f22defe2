import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { inject } from 'vitest';
import type { SyncState } from '../../sdk/core/sync-state.js';

/** One "device": its own browser context, so its own localStorage and IndexedDB. */
export class Device {
  readonly pushes: Request[] = [];
  readonly apiRequests: Request[] = [];

  private constructor(readonly context: BrowserContext, public page: Page) {}

  static async open(browser: Browser, options: { user: string; app?: string; clock?: boolean; name?: string }): Promise<Device> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const device = new Device(context, page);
    device.watch(page);
    if (options.clock) await page.clock.install();
    await device.goto(options.user, options.app ?? 'tenure', options.name ?? 'A');
    return device;
  }

  /** Opens the app page again in a new tab of the same device (shared storage). */
  async newTab(user: string, app = 'tenure'): Promise<Page> {
    const page = await this.context.newPage();
    this.watch(page);
    await page.goto(`${inject('baseUrl')}/${app}.html?user=${encodeURIComponent(user)}&autologin=1`);
    await waitForReady(page);
    return page;
  }

  async goto(user: string, app: string, name: string): Promise<void> {
    await this.page.goto(`${inject('baseUrl')}/${app}.html?device=${name}&user=${encodeURIComponent(user)}&autologin=1`);
    await waitForReady(this.page);
  }

  private watch(page: Page): void {
    page.on('request', (request) => {
      if (!request.url().includes('/api/sync/')) return;
      this.apiRequests.push(request);
      if (request.method() === 'POST' && request.url().endsWith('/push')) this.pushes.push(request);
    });
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  }

  async edit(key: string, value: string, page = this.page): Promise<void> {
    await page.locator(`[name="${key}"]`).fill(value);
  }

  value(key: string, page = this.page): Promise<string> {
    return page.locator(`[name="${key}"]`).inputValue();
  }

  state(page = this.page): Promise<SyncState> {
    return page.evaluate(() => (window as unknown as { demo: { sync: { getState(): SyncState } } }).demo.sync.getState());
  }

  async waitForStatus(status: SyncState['status'], page = this.page, timeout = 20_000): Promise<SyncState> {
    await page.waitForFunction(
      (s) => (window as unknown as { demo?: { sync: { getState(): { status: string } } } }).demo?.sync.getState().status === s,
      status,
      { timeout },
    );
    return this.state(page);
  }

  /**
   * Hides the page. Playwright's contexts always report `visible`, so this overrides
   * `document.visibilityState` and dispatches `visibilitychange`, as the browser does on a tab switch.
   */
  async hide(page = this.page): Promise<void> {
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
  }

  async show(page = this.page): Promise<void> {
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
      document.dispatchEvent(new Event('visibilitychange'));
    });
  }

  syncNow(page = this.page): Promise<void> {
    return page.getByRole('button', { name: 'Sync now' }).click();
  }

  storageEvents(page = this.page): Promise<{ key: string; newValue: string | null }[]> {
    return page.evaluate(() => (window as unknown as { demo: { storageEvents: { key: string; newValue: string | null }[] } }).demo.storageEvents);
  }

  close(): Promise<void> {
    return this.context.close();
  }
}

async function waitForReady(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const demo = (window as unknown as { demo?: { sync: { getState(): { status: string } } } }).demo;
    return demo !== undefined && !['idle', 'syncing'].includes(demo.sync.getState().status);
  }, undefined, { timeout: 20_000 });
}
