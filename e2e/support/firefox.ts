import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import type { EngineBrowser, EngineProfile, EngineTab, Viewport } from './engine.js';
import { scriptedTab, type ScriptTarget } from './scripted-tab.js';

/** Debian's Firefox ESR (`apt-get install firefox-esr`); `FIREFOX_PATH` overrides it. */
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/**
 * `navigator.storage.persist()` waits on a permission prompt nobody answers in a headless run; these
 * prefs answer it "no", like a person who dismisses the prompt, so the SDK meets a refusal here.
 */
const FIREFOX_PREFS = {
  'dom.storageManager.prompt.testing': true,
  'dom.storageManager.prompt.testing.allow': false,
};

/** Under load a launch has taken 24 s on two busy cores; puppeteer's default gives up at 30 s. */
const LAUNCH_TIMEOUT_MS = 120_000;
const COMMAND_TIMEOUT_MS = 60_000;

/**
 * Firefox through puppeteer-core over WebDriver BiDi (no geckodriver): one browser, a browser
 * context per device, and a window per tab. A new tab in an existing window would hide the tab in
 * front of that window (another device's, even: a tab goes to whichever window BiDi picks), which
 * two separate devices never do to each other.
 */
export async function firefoxEngine(): Promise<EngineBrowser> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    timeout: LAUNCH_TIMEOUT_MS,
    protocolTimeout: 180_000,
    extraPrefsFirefox: FIREFOX_PREFS,
  });
  return {
    engine: 'firefox',
    version: (await browser.version()).replace('/', ' '),
    newProfile: async (viewport) => firefoxProfile(browser, await browser.createBrowserContext(), viewport),
    close: () => browser.close(),
  };
}

function firefoxProfile(browser: Browser, context: BrowserContext, viewport: Viewport): EngineProfile {
  const pages: Page[] = [];
  let offline = false;
  return {
    async newTab() {
      const page = await context.newPage({ type: 'window' });
      page.setDefaultTimeout(COMMAND_TIMEOUT_MS);
      page.setDefaultNavigationTimeout(COMMAND_TIMEOUT_MS);
      await page.setViewport(viewport);
      if (offline) await page.setOfflineMode(true);
      pages.push(page);
      return pageTab(page, async (hidden) => {
        // Minimizing the window hides its tab for real (`visibilitychange`), as a tab switch does.
        await browser.setWindowBounds(await page.windowId(), { windowState: hidden ? 'minimized' : 'normal' });
      });
    },
    async setOffline(value) {
      offline = value;
      await Promise.all(pages.filter((page) => !page.isClosed()).map((page) => page.setOfflineMode(value)));
      return true;
    },
    close: () => context.close(),
  };
}

function pageTab(page: Page, setHidden: (hidden: boolean) => Promise<void>): EngineTab {
  return {
    ...scriptedTab(page as unknown as ScriptTarget),
    async reload() {
      await page.reload();
    },
    async setHidden(hidden) {
      await setHidden(hidden);
      return true;
    },
    async screenshot(path) {
      await page.screenshot({ path: path as `${string}.png`, fullPage: true });
    },
    onPageError: (listener) =>
      page.on('pageerror', (error) => listener(error instanceof Error ? error.message : String(error))),
    onConsoleError: (listener) =>
      page.on('console', (message) => message.type() === 'error' && listener(message.text())),
    close: () => page.close(),
  };
}
