import type { EngineTab } from './engine.js';

/**
 * What Playwright's and puppeteer's pages and frames have in common, which is all an
 * {@link EngineTab} needs to script a page (their own types differ in details that do not matter here).
 */
export interface ScriptTarget {
  goto(url: string): Promise<unknown>;
  // `any`: the two libraries type these with their own generics, which do not meet.
  evaluate(fn: any, arg?: any): Promise<any>;
  evaluateHandle(fn: any, arg?: any): Promise<{ asElement(): { click(): Promise<void> } | null }>;
  locator(selector: string): { fill(value: string): Promise<void> };
  $(selector: string): Promise<{ click(): Promise<void>; type(text: string): Promise<void> } | null>;
  waitForSelector(selector: string): Promise<{ contentFrame(): Promise<ScriptTarget | null> } | null>;
}

/** The scripting half of an {@link EngineTab} over a Playwright or puppeteer page or frame. */
export function scriptedTab(
  target: ScriptTarget,
): Omit<EngineTab, 'reload' | 'setHidden' | 'screenshot' | 'onPageError' | 'onConsoleError' | 'close'> {
  return {
    async goto(url) {
      await target.goto(url);
    },
    evaluate: (fn, arg) => target.evaluate(fn, arg),
    async click(find, arg) {
      const element = (await target.evaluateHandle(find, arg)).asElement();
      if (!element) throw new Error(`Nothing to click: ${find.name || 'finder'}(${JSON.stringify(arg)})`);
      await element.click();
    },
    async fill(selector, value) {
      await target.locator(selector).fill(value);
    },
    async type(selector, text) {
      const element = await target.$(selector);
      if (!element) throw new Error(`Nothing matches ${selector}`);
      await element.click();
      await element.type(text);
    },
    async frame(selector) {
      const frame = await (await target.waitForSelector(selector))?.contentFrame();
      if (!frame) throw new Error(`${selector} is not a frame`);
      const unsupported = (what: string) => () => Promise.reject(new Error(`${what} is not supported inside a frame`));
      return {
        ...scriptedTab(frame),
        reload: unsupported('reload'),
        setHidden: async () => false,
        screenshot: unsupported('screenshot'),
        onPageError: () => {},
        onConsoleError: () => {},
        close: unsupported('close'),
      };
    },
  };
}
