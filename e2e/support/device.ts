/**
 * # Devices: what an e2e scenario works with
 *
 * A scenario is written once and runs in Chromium, Firefox and WebKit. It declares its tests inside
 * {@link eachEngine}, opens devices with `devices.open(...)` and acts only through {@link Device}:
 *
 * ```ts
 * eachEngine('two devices against wrangler dev', (devices) => {
 *   it('pulls what the other device pushed', async () => {
 *     const a = await devices.open({ user, name: 'A' });
 *     await a.edit(PROFILE, 'from A');
 *     await a.syncNow();
 *     const b = await devices.open({ user, name: 'B' });
 *     await b.waitForStatus('synced');
 *     expect(await b.value(PROFILE)).toBe('from A');
 *   });
 * });
 * ```
 *
 * A device is an isolated browser profile (own localStorage and IndexedDB) whose pages come from a
 * relay of its own in front of `wrangler dev` ({@link DeviceRelay}): so every device has its own
 * origin, and `device.requests` lists every API request it sent, in every engine.
 *
 * ## Where the engines differ, and what the device does about it
 * | action | Chromium (Playwright) | Firefox (puppeteer, WebDriver BiDi) | WebKit (webdriverio, WebDriver classic) |
 * |---|---|---|---|
 * | `hide()` / `show()` | emulated: its contexts report every page visible, so `visibilityState` is overridden and `visibilitychange` fired | real: its window is minimised, and restored (`visibilitychange` fires, as on a tab switch) | emulated, as Chromium: window switches do not change visibility |
 * | `setOffline()` | real offline mode, and the relay goes down | real offline mode, and the relay goes down | no offline switch: the relay goes down (requests fail for real) and `navigator.onLine` plus `offline`/`online` are emulated in the open tabs |
 * | `interfere()` (a request that hangs, an answer lost) | the relay does it, the same in every engine | same | same |
 * | `closeTab()` | closes the page | closes the page | closes the window; the device's last one goes to `about:blank` instead (closing WebDriver's last window ends its session), which unloads the page as closing does, and is reused by the next `newTab()` |
 * | `screenshot()` | whole page | whole page | the window (WebDriver classic has no full-page capture) |
 * | page errors, `consoleErrors` | seen | seen | not visible to WebDriver classic (the list stays empty) |
 * | `clock` | @sinonjs/fake-timers injected into the page, the same in every engine | same | same |
 *
 * Anything else a scenario needs goes here as a method that works in all three, never as an
 * engine check in the scenario. Behaviour that differs between engines is fixed in the SDK.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, inject } from 'vitest';
import type { SyncState } from '../../sdk/core/sync-state.js';
import {
  launchEngine,
  selectedEngines,
  type EngineBrowser,
  type EngineName,
  type EngineProfile,
  type EngineTab,
  type Viewport,
} from './engine.js';
import { PageClock } from './page-clock.js';
import { emulateConnectivity, emulateVisibility, findByRole, type RoleQuery } from './page-scripts.js';
import { DeviceRelay, PAGE_LOAD_META, type ApiRequest, type Interference } from './relay.js';

/** A tab of a device, or a frame in one: pass it to a device's methods to act there instead of the first tab. */
export type Tab = EngineTab;
export type { ApiRequest, EngineName, Interference };

/** How long waits for the page last by default: generous, for a busy 2-core machine. */
export const WAIT_MS = 30_000;
/** Where screenshots go: `test-results/screenshots/<engine>/<name>.png`. */
export const SCREENSHOT_DIR = 'test-results/screenshots';
const DEFAULT_VIEWPORT: Viewport = { width: 1280, height: 860 };

export interface DeviceOptions {
  /** The user the page signs in as (a dev token for this `sub`, subscription `taco_club`). */
  user: string;
  /** `tenure` (default) or `tempo`: the example page to open. */
  app?: string;
  /** Shown in the page's title and header ("Device A"). */
  name?: string;
  /** Fake time in the first tab from the moment it is ready; move it with `device.clock.fastForward`. */
  clock?: boolean;
  /** More query parameters for the example page, e.g. `{ persist: '1' }` (see examples/demo-app.js). */
  query?: Record<string, string>;
  viewport?: Viewport;
}

type Demo = { demo?: { sync: { getState(): SyncState }; storageEvents: { key: string; newValue: string | null }[] } };

/** One device: a browser profile of the engine under test, its tabs, and its own way to the Worker. */
export class Device {
  /** Errors the console of any tab of this device showed (the browser's own included; not seen in WebKit). */
  readonly consoleErrors: string[] = [];
  private clockOfFirstTab: PageClock | undefined;

  private constructor(
    readonly engine: EngineName,
    private readonly profile: EngineProfile,
    private readonly relay: DeviceRelay,
    /** The tab the device opened first; methods act here unless given another tab. */
    readonly tab: Tab,
  ) {}

  /** A device with one blank tab. */
  static async blank(browser: EngineBrowser, viewport = DEFAULT_VIEWPORT): Promise<Device> {
    const relay = await DeviceRelay.start(inject('baseUrl'));
    try {
      const profile = await browser.newProfile(viewport);
      const device = new Device(browser.engine, profile, relay, await profile.newTab());
      device.watch(device.tab);
      return device;
    } catch (error) {
      await relay.close();
      throw error;
    }
  }

  /** A device whose first tab shows the example app signed in as `user`, ready (its first sync done). */
  static async open(browser: EngineBrowser, options: DeviceOptions): Promise<Device> {
    const device = await Device.blank(browser, options.viewport);
    try {
      await device.openApp(options);
      if (options.clock) {
        device.clockOfFirstTab = new PageClock(device.tab);
        await device.clockOfFirstTab.install();
      }
      return device;
    } catch (error) {
      await device.close();
      throw error;
    }
  }

  /** Every API request (`/api/sync/...`) this device sent, in order, with the Worker's status (see {@link ApiRequest}). */
  get requests(): readonly ApiRequest[] {
    return this.relay.requests.filter((r) => r.path.startsWith('/api/sync/'));
  }

  /** The push requests among {@link requests}. */
  get pushes(): readonly ApiRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/push'));
  }

  /** How many pages of this device's origin were loaded, reloads included, in any tab (redirects do not count). */
  get pageLoads(): number {
    return this.loadedPages().length;
  }

  /**
   * Waits until `tab` shows the `count`-th page this device loaded (see {@link pageLoads}), for a
   * page that reloads itself: a browser keeps the old page scriptable while the new one loads, so
   * the page answering must be the one the relay served as that load ({@link PAGE_LOAD_META}).
   * Throws if the tab has gone past it: the page loaded more often than the scenario expects.
   */
  async waitForLoad(count: number, tab = this.tab, timeout = WAIT_MS): Promise<void> {
    const shown = await this.waitFor(
      ({ meta, count }) => {
        const load = Number(document.querySelector(`meta[name="${meta}"]`)?.getAttribute('content') ?? 0);
        return load >= count ? load : 0;
      },
      { meta: PAGE_LOAD_META, count },
      { tab, timeout },
    );
    if (shown > count)
      throw new Error(
        `Waited for page load ${count}, and the tab already shows load ${shown}: the page loaded more often than expected`,
      );
  }

  private loadedPages(): ApiRequest[] {
    return this.relay.requests.filter((r) => r.load !== undefined);
  }

  /**
   * Waits until every API request of this device has its answer and none has started for
   * `quietMs` (what the page shows after a sync, such as its history, is then drawn).
   */
  async settled(quietMs = 500, timeout = WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeout;
    let seen = -1;
    let quietSince = Date.now();
    for (;;) {
      const { requests } = this.relay;
      if (requests.length !== seen || requests.some((r) => r.status === null)) {
        seen = requests.length;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= quietMs) {
        return;
      }
      if (Date.now() > deadline) throw new Error(`Requests still in flight after ${timeout} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The fake clock of the first tab; only for a device opened with `clock: true`. */
  get clock(): PageClock {
    if (!this.clockOfFirstTab) throw new Error('Open the device with { clock: true } to use its clock');
    return this.clockOfFirstTab;
  }

  /** The URL of `path` on this device's own origin. */
  url(path: string): string {
    return new URL(path, this.relay.url).href;
  }

  /** Navigates `tab` to `pathOrUrl` (a path is on this device's origin) and waits for its load. */
  goto(pathOrUrl: string, tab = this.tab): Promise<void> {
    return tab.goto(this.url(pathOrUrl));
  }

  /**
   * Opens the example app in `tab`, signed in as `user`, and waits until its first sync is done and
   * the page's own requests (its history list) are answered, so none is still under way when a
   * scenario takes the network down or counts requests.
   */
  async openApp({ user, app = 'tenure', name = 'A', query = {} }: DeviceOptions, tab = this.tab): Promise<void> {
    const search = new URLSearchParams({ device: name, user, autologin: '1', ...query });
    await this.goto(`/${app}.html?${search}`, tab);
    await this.waitForReady(tab);
    await this.settled();
  }

  /** Opens the app again in a new tab of this device (shared storage), ready. */
  async newTab(options: DeviceOptions): Promise<Tab> {
    const tab = await this.profile.newTab();
    this.watch(tab);
    await this.openApp(options, tab);
    return tab;
  }

  /**
   * Closes `tab` as a person closing it does (the page sees `pagehide`; its keepalive requests go on).
   * In WebKit the device's last tab is navigated away instead (see the table above).
   */
  closeTab(tab: Tab): Promise<void> {
    return tab.close();
  }

  /** Runs `fn` in the page (see {@link EngineTab.evaluate}: no closures over the test's scope). */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A, tab = this.tab): Promise<Awaited<R>> {
    return tab.evaluate(fn, arg);
  }

  /**
   * Polls `fn` in the page until it returns something truthy, and returns that; throws after
   * `timeout` ms. Errors while the page navigates count as "not yet".
   */
  async waitFor<R, A = undefined>(
    fn: (arg: A) => R | Promise<R>,
    arg?: A,
    { tab = this.tab, timeout = WAIT_MS } = {},
  ): Promise<Awaited<R>> {
    const deadline = Date.now() + timeout;
    let last: unknown;
    for (;;) {
      try {
        const value = await tab.evaluate(fn, arg);
        if (value) return value;
        last = value;
      } catch (error) {
        last = error;
      }
      if (Date.now() > deadline)
        throw new Error(`Timed out after ${timeout} ms waiting in the page; last: ${String(last)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Types `value` into the app's field for `key` (the page writes it to localStorage and calls `notifyChanged()`). */
  edit(key: string, value: string, tab = this.tab): Promise<void> {
    return this.fill(`[name="${key}"]`, value, tab);
  }

  /** Replaces the value of the form field `selector` as typing would (`input` events fire). */
  fill(selector: string, value: string, tab = this.tab): Promise<void> {
    return tab.fill(selector, value);
  }

  /** Clicks the field `selector` and types `text` key by key, as a person does (focus moves, other frames blur). */
  type(selector: string, text: string, tab = this.tab): Promise<void> {
    return tab.type(selector, text);
  }

  /** Clicks the first element matching `selector` as a pointer would (see {@link click} for buttons by name). */
  clickOn(selector: string, tab = this.tab): Promise<void> {
    return tab.click((s) => document.querySelector(s), selector);
  }

  /** The value the app's field for `key` shows. */
  value(key: string, tab = this.tab): Promise<string> {
    return tab.evaluate((k) => (document.querySelector(`[name="${k}"]`) as HTMLInputElement | null)?.value ?? '', key);
  }

  /** The text of the first element matching `selector`. */
  text(selector: string, tab = this.tab): Promise<string> {
    return tab.evaluate((s) => document.querySelector(s)?.textContent ?? '', selector);
  }

  state(tab = this.tab): Promise<SyncState> {
    return tab.evaluate(() => (window as unknown as Required<Demo>).demo.sync.getState());
  }

  /** Waits until the manager's status is `status`, and returns the state. */
  async waitForStatus(status: SyncState['status'], tab = this.tab, timeout = WAIT_MS): Promise<SyncState> {
    await this.waitFor((s) => (window as unknown as Demo).demo?.sync.getState().status === s, status, { tab, timeout });
    return this.state(tab);
  }

  /**
   * Clicks the rendered button (or other role) named `name`, optionally inside the open dialog, as a
   * pointer would; waits for it to be rendered first.
   */
  async click(
    name: string,
    { role = 'button', within }: { role?: RoleQuery['role']; within?: RoleQuery['role'] } = {},
    tab = this.tab,
  ): Promise<void> {
    const query: RoleQuery = within ? { role, name, within } : { role, name };
    await this.waitFor(findByRole, { ...query, exists: true as const }, { tab });
    await tab.click<RoleQuery>(findByRole, query);
  }

  /** Whether an element of `role` (named `name`, if given) is rendered; dialogs count when open. */
  isShown(role: RoleQuery['role'], name?: string, tab = this.tab): Promise<boolean> {
    return tab.evaluate(findByRole, { role, ...(name === undefined ? {} : { name }), exists: true as const });
  }

  /** Presses the page's "Sync now" button. */
  syncNow(tab = this.tab): Promise<void> {
    return this.click('Sync now', {}, tab);
  }

  /** The `storage` events the page has seen: `{ key, newValue }` each. */
  storageEvents(tab = this.tab): Promise<{ key: string; newValue: string | null }[]> {
    return tab.evaluate(() => (window as unknown as Required<Demo>).demo.storageEvents);
  }

  /** Puts the tab in the background, as switching to another tab does (see the table above). */
  async hide(tab = this.tab): Promise<void> {
    if (!(await tab.setHidden(true))) await tab.evaluate(emulateVisibility, true);
  }

  /** Brings the tab back to the front. */
  async show(tab = this.tab): Promise<void> {
    if (!(await tab.setHidden(false))) await tab.evaluate(emulateVisibility, false);
  }

  /** Takes this device's network down (`true`) or brings it back, in every tab (see the table above). */
  async setOffline(offline: boolean, tabs: Tab[] = [this.tab]): Promise<void> {
    if (offline) this.relay.setDown(true);
    if (!(await this.profile.setOffline(offline))) {
      for (const tab of tabs) await tab.evaluate(emulateConnectivity, !offline);
    }
    if (!offline) this.relay.setDown(false);
  }

  /**
   * Makes this device's network `stall` the next `times` requests to paths ending with `path`, or
   * relay them and then drop the answer (`drop-answer`), in every engine (see {@link Interference}).
   * Returns a function that stops it.
   */
  interfere(path: string, what: Interference, times?: number): () => void {
    return this.relay.interfere(path, what, times);
  }

  /** Opens `pathOrUrl` (a path is on this device's origin) in a new tab of this device, and waits for its load. */
  async openTab(pathOrUrl: string): Promise<Tab> {
    const tab = await this.profile.newTab();
    this.watch(tab);
    await this.goto(pathOrUrl, tab);
    return tab;
  }

  /** Reloads the tab (the page sees `pagehide` and `visibilitychange` in its engine's order) and waits for its load. */
  reload(tab = this.tab): Promise<void> {
    return tab.reload();
  }

  /** The `<iframe>` matching `selector` in `tab`, as a tab of its own. */
  frame(selector: string, tab = this.tab): Promise<Tab> {
    return tab.frame(selector);
  }

  /** Saves a PNG of the tab as `test-results/screenshots/<engine>/<name>.png` and returns its path. */
  async screenshot(name: string, tab = this.tab): Promise<string> {
    const dir = `${SCREENSHOT_DIR}/${this.engine}`;
    mkdirSync(dir, { recursive: true });
    const path = `${dir}/${name}.png`;
    await tab.screenshot(path);
    return path;
  }

  async close(): Promise<void> {
    try {
      await this.profile.close();
    } finally {
      await this.relay.close();
    }
  }

  /** Waits until the app page has a manager whose first sync is over (neither `idle` nor `syncing`). */
  async waitForReady(tab = this.tab): Promise<void> {
    await this.waitFor(
      () => {
        const demo = (window as unknown as Demo).demo;
        return demo !== undefined && !['idle', 'syncing'].includes(demo.sync.getState().status);
      },
      undefined,
      { tab },
    );
  }

  private watch(tab: Tab): void {
    tab.onPageError((message) => console.error(`[${this.engine} page error] ${message}`));
    tab.onConsoleError((message) => this.consoleErrors.push(message));
  }
}

/** What {@link eachEngine} gives a suite: devices of the engine it runs in, closed after each test. */
export interface Devices {
  /** Opens a device on the example app (see {@link Device.open}). */
  open(options: DeviceOptions): Promise<Device>;
  /** Opens a device with a blank tab (see {@link Device.blank}). */
  blank(viewport?: Viewport): Promise<Device>;
}

/**
 * Declares `suite` once per engine this run covers (all three, or `--engine`/`E2E_ENGINE`), titled
 * `<engine>: <title>`. The engine's browser starts before the suite and stops after it; the
 * devices a test opens are closed after it. `knownToFailIn` leaves engines out where the SDK still
 * behaves differently: each entry names why, and is an open bug, not a way to skip a test.
 */
export function eachEngine(
  title: string,
  suite: (devices: Devices) => void,
  knownToFailIn: Partial<Record<EngineName, string>> = {},
): void {
  for (const engine of selectedEngines().filter((name) => knownToFailIn[name] === undefined)) {
    describe(`${engine}: ${title}`, () => {
      let browser: EngineBrowser | undefined;
      const opened: Device[] = [];
      const track = (device: Device): Device => {
        opened.push(device);
        return device;
      };
      const running = (): EngineBrowser => {
        if (!browser) throw new Error(`${engine} did not start`);
        return browser;
      };
      beforeAll(async () => {
        browser = await launchEngine(engine);
      });
      afterEach(async () => {
        await Promise.all(opened.splice(0).map((device) => device.close()));
      });
      afterAll(async () => {
        await browser?.close();
      });
      suite({
        open: async (options) => track(await Device.open(running(), options)),
        blank: async (viewport) => track(await Device.blank(running(), viewport)),
      });
    });
  }
}
