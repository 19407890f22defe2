import { root } from '../../scripts/dev-server.mjs';
import type { EngineTab } from './engine.js';
import { addScript } from './page-scripts.js';

let bundle: Promise<string> | undefined;

/** @sinonjs/fake-timers as one classic script that leaves `withGlobal(window)` on `window.__tacoFakeTimers`. */
function fakeTimersScript(): Promise<string> {
  bundle ??= import('esbuild').then(async (esbuild) => {
    const result = await esbuild.build({
      stdin: {
        contents: "import { withGlobal } from '@sinonjs/fake-timers'; window.__tacoFakeTimers = withGlobal(window);",
        resolveDir: root,
      },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      // Node-only branches of the library, never taken in a page.
      external: ['util', 'timers', 'timers/promises', 'perf_hooks'],
      write: false,
      logLevel: 'warning',
    });
    return result.outputFiles[0]?.text ?? '';
  });
  return bundle;
}

/**
 * Fake time in a page, the same in every engine: `setTimeout`, `setInterval` and `Date` of the page
 * are replaced by @sinonjs/fake-timers (the library Playwright's own clock is built on), so a 30 s
 * debounce passes in one call. Timers set before {@link PageClock.install} keep real time.
 */
export class PageClock {
  constructor(private readonly tab: EngineTab) {}

  async install(): Promise<void> {
    await this.tab.evaluate(addScript, await fakeTimersScript());
    await this.tab.evaluate(() => {
      const page = window as unknown as {
        __tacoFakeTimers: { install(config: object): unknown };
        __tacoClock: unknown;
      };
      // From the real time on, not 1970: times the page read before (as the SDK's at its start) stay in the past.
      page.__tacoClock = page.__tacoFakeTimers.install({
        now: Date.now(),
        toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      });
    });
  }

  /** Moves the page's time `ms` forward, running every timer that falls due (and the promises they start) in order. */
  async fastForward(ms: number): Promise<void> {
    await this.tab.evaluate(async (by) => {
      await (window as unknown as { __tacoClock: { tickAsync(ms: number): Promise<number> } }).__tacoClock.tickAsync(
        by,
      );
    }, ms);
  }
}
