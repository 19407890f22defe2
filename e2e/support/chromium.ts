import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium-config.mjs';
import type { EngineBrowser, EngineProfile, EngineTab, Viewport } from './engine.js';
import { scriptedTab, type ScriptTarget } from './scripted-tab.js';

export { CHROMIUM_ARGS, CHROMIUM_PATH };

/** Debian's Chromium, headless, started the way these machines allow. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** Chromium through Playwright: one browser, a context per device. */
export async function chromiumEngine(): Promise<EngineBrowser> {
  const browser = await launchChromium();
  return {
    engine: 'chromium',
    version: `chromium ${browser.version()}`,
    async newProfile(viewport: Viewport): Promise<EngineProfile> {
      const context = await browser.newContext({ viewport });
      return {
        newTab: async () => pageTab(await context.newPage()),
        async setOffline(offline) {
          await context.setOffline(offline);
          return true;
        },
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

function pageTab(page: Page): EngineTab {
  return {
    ...scriptedTab(page as unknown as ScriptTarget),
    async reload() {
      await page.reload();
    },
    // Playwright's contexts report every page as visible, whatever is in front.
    setHidden: async () => false,
    async screenshot(path) {
      await page.screenshot({ path, fullPage: true });
    },
    onPageError: (listener) => page.on('pageerror', (error) => listener(error.message)),
    onConsoleError: (listener) =>
      page.on('console', (message) => message.type() === 'error' && listener(message.text())),
    close: () => page.close(),
  };
}
