/**
 * The port every browser engine implements for the e2e suite: a browser, its isolated profiles
 * (one per device) and their tabs. Scenarios never use it directly; they use {@link Device}
 * (`device.ts`), which is written once against this interface.
 */

/** The engines the suite runs in. */
export const ENGINES = ['chromium', 'firefox', 'webkit'] as const;
export type EngineName = (typeof ENGINES)[number];

/**
 * The engines this run covers: `E2E_ENGINE` (one name, or several separated by commas; set by
 * `npm run test:e2e -- --engine firefox`), else all three.
 *
 * @throws Error naming the known engines when `E2E_ENGINE` names another.
 */
export function selectedEngines(env: Record<string, string | undefined> = process.env): EngineName[] {
  const wanted = (env.E2E_ENGINE ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (wanted.length === 0) return [...ENGINES];
  for (const name of wanted) {
    if (!(ENGINES as readonly string[]).includes(name))
      throw new Error(`Unknown engine "${name}": use ${ENGINES.join(', ')}`);
  }
  return ENGINES.filter((name) => wanted.includes(name));
}

/** A running browser of one engine. */
export interface EngineBrowser {
  readonly engine: EngineName;
  /** Product and version, e.g. `chromium 156.0.8078.108`. */
  readonly version: string;
  /** A fresh profile with its own localStorage, IndexedDB and cookies: one device. */
  newProfile(viewport: Viewport): Promise<EngineProfile>;
  close(): Promise<void>;
}

export interface Viewport {
  width: number;
  height: number;
}

/** One isolated profile of a browser. */
export interface EngineProfile {
  /** Opens a tab (on `about:blank`). */
  newTab(): Promise<EngineTab>;
  /**
   * Switches the browser's own offline mode (`navigator.onLine`, `online`/`offline` events, fetch
   * failing) for every tab; false where the engine has no such switch (the caller emulates it).
   */
  setOffline(offline: boolean): Promise<boolean>;
  close(): Promise<void>;
}

/** An element found in the page by a function run there; the driver clicks it like a pointer would. */
export type ElementFinder<A> = (arg: A) => Element | null;

/** A tab, or a frame inside one: the place scripts run and input goes. */
export interface EngineTab {
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  /**
   * Runs `fn` in the page with a JSON argument and returns its JSON result (a promise is awaited).
   * `fn` is sent as source text: it must not use anything from the test's scope.
   */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<Awaited<R>>;
  /** Runs `find` in the page and clicks what it returns with the driver's real click; throws when it finds nothing. */
  click<A>(find: ElementFinder<A>, arg: A): Promise<void>;
  /** Replaces the value of the form field `selector` as typing would (`input` events fire). */
  fill(selector: string, value: string): Promise<void>;
  /** Clicks the field `selector` and types `text` into it key by key (focus moves there, as by hand). */
  type(selector: string, text: string): Promise<void>;
  /**
   * Makes the tab hidden (`hidden` true) or visible again, with the engine's own tab switch where
   * it has one; false where it has none (the caller emulates it).
   */
  setHidden(hidden: boolean): Promise<boolean>;
  /** A PNG of the page: the whole document where the engine can, else the viewport. */
  screenshot(path: string): Promise<void>;
  /** The frame of the `<iframe>` matched by `selector`, as a tab of its own. */
  frame(selector: string): Promise<EngineTab>;
  /** Calls `listener` with the message of every uncaught error in the page. */
  onPageError(listener: (message: string) => void): void;
  /** Calls `listener` with every error the page's console shows (the browser's own, such as CORS refusals, included). */
  onConsoleError(listener: (message: string) => void): void;
  close(): Promise<void>;
}

/** Starts a browser of engine `name` (its driver library is loaded only when asked for). */
export async function launchEngine(name: EngineName): Promise<EngineBrowser> {
  if (name === 'chromium') return (await import('./chromium.js')).chromiumEngine();
  if (name === 'firefox') return (await import('./firefox.js')).firefoxEngine();
  return (await import('./webkit.js')).webkitEngine();
}
