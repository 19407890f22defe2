import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { remote } from 'webdriverio';
import type { EngineBrowser, EngineProfile, EngineTab, Viewport } from './engine.js';

/** WebKitGTK's MiniBrowser (`apt-get install webkit2gtk-driver`); `WEBKIT_MINIBROWSER_PATH` overrides it. */
export const MINIBROWSER_PATH =
  process.env.WEBKIT_MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** `navigator.storage` is undefined in MiniBrowser without these features. */
const MINIBROWSER_ARGS = ['--automation', '--features=+StorageAPI,+StorageAPIEstimate'];

/** Generous: a driver, a display and a browser process start per device on a busy 2-core machine. */
const START_TIMEOUT_MS = 60_000;

/** The W3C key of an element reference in WebDriver answers. */
const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';
/** The Backspace key (WebDriver §17.4.2 key codes). */
const BACKSPACE = '\uE003';

type Session = WebdriverIO.Browser;
type ElementReference = { [ELEMENT_KEY]: string };

/**
 * WebKitGTK through WebKitWebDriver and webdriverio (WebDriver classic). MiniBrowser has no headless
 * mode, so the browser starts an Xvfb display of its own; WebKitWebDriver holds one session per
 * process, so every device gets its own driver (and browser process).
 */
export async function webkitEngine(): Promise<EngineBrowser> {
  const display = await startDisplay();
  const drivers = new Set<ChildProcess>();
  return {
    engine: 'webkit',
    version: `webkitgtk ${await webkitVersion(display.name)}`,
    async newProfile(viewport) {
      const driver = await startDriver(display.name);
      drivers.add(driver.process);
      try {
        const session = await remote({
          hostname: '127.0.0.1',
          port: driver.port,
          logLevel: 'warn',
          connectionRetryTimeout: START_TIMEOUT_MS,
          // A failed command is an answer, not a dropped connection: running a script twice would run the scenario's step twice.
          connectionRetryCount: 0,
          capabilities: {
            browserName: 'MiniBrowser',
            'wdio:enforceWebDriverClassic': true,
            'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args: MINIBROWSER_ARGS },
          } as WebdriverIO.Capabilities,
        });
        return webkitProfile(session, viewport, () => {
          stopGroup(driver.process);
          drivers.delete(driver.process);
        });
      } catch (error) {
        stopGroup(driver.process);
        throw error;
      }
    },
    async close() {
      for (const driver of drivers) stopGroup(driver);
      stopGroup(display.process);
    },
  };
}

function webkitProfile(session: Session, viewport: Viewport, stop: () => void): EngineProfile {
  // WebDriver classic acts on one current window and frame: commands of this device take turns.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task);
    queue = result.catch(() => {});
    return result;
  };
  let sized = false;
  let firstWindow: string | undefined;
  const openWindows = new Set<string>();
  // Closing WebDriver's last window ends the session: the last tab is unloaded instead, kept for the next newTab().
  let spareWindow: string | undefined;

  /** A tab or frame: switch to its window (and frame), then run `task`, in turn with the others. */
  const tab = (handle: string, frames: string[]): EngineTab => {
    const inTab = <T>(task: () => Promise<T>): Promise<T> =>
      serial(async () => {
        await session.switchToWindow(handle);
        for (const selector of frames) {
          const element = (await session.findElement('css selector', selector)) as ElementReference;
          await session.switchToFrame(element);
        }
        return task();
      });
    const mainOnly = (what: string) => () => Promise.reject(new Error(`${what} is not supported inside a frame`));
    const scripted = {
      goto: (url: string) => inTab(() => session.navigateTo(url)),
      evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg?: A) => inTab(() => evaluateBoxed(session, fn, arg)),
      click: <A>(find: (arg: A) => Element | null, arg: A) =>
        inTab(async () => {
          const found = (await session.execute(find as never, arg as never)) as ElementReference | null;
          if (!found) throw new Error(`Nothing to click: ${find.name || 'finder'}(${JSON.stringify(arg)})`);
          await session.elementClick(found[ELEMENT_KEY]);
        }),
      fill: (selector: string, value: string) =>
        inTab(async () => {
          const element = (await session.findElement('css selector', selector)) as ElementReference;
          // Not Element Clear: it runs the unfocusing steps (WebDriver §12.5.2), and the blur it
          // fires is a real "person left" to the SDK, which then pushes the emptied field. Select
          // all and type over it instead, as a person does and as fill() in the other engines.
          await session.execute((el: HTMLElement) => (el.focus(), (el as HTMLInputElement).select()), element as never);
          await session.elementSendKeys(element[ELEMENT_KEY], `${BACKSPACE}${value}`);
        }),
      type: (selector: string, text: string) =>
        inTab(async () => {
          const element = (await session.findElement('css selector', selector)) as ElementReference;
          await session.elementClick(element[ELEMENT_KEY]);
          await session.elementSendKeys(element[ELEMENT_KEY], text);
        }),
      frame: async (selector: string) => tab(handle, [...frames, selector]),
      setHidden: async () => false,
      // WebDriver classic reports neither uncaught errors nor the console.
      onPageError: () => {},
      onConsoleError: () => {},
    };
    if (frames.length > 0) {
      return { ...scripted, reload: mainOnly('reload'), screenshot: mainOnly('screenshot'), close: mainOnly('close') };
    }
    return {
      ...scripted,
      reload: () => inTab(() => session.refresh()),
      screenshot: (path) => inTab(async () => void (await session.saveScreenshot(path))),
      close: () =>
        serial(async () => {
          await session.switchToWindow(handle);
          openWindows.delete(handle);
          if (openWindows.size > 0) {
            await session.closeWindow();
          } else {
            await session.navigateTo('about:blank');
            spareWindow = handle;
          }
        }),
    };
  };

  return {
    newTab: () =>
      serial(async () => {
        let handle: string;
        if (firstWindow === undefined) {
          handle = firstWindow = await session.getWindowHandle();
        } else if (spareWindow !== undefined) {
          handle = spareWindow;
          spareWindow = undefined;
          await session.switchToWindow(handle);
        } else {
          handle = (await session.createWindow('tab')).handle;
          await session.switchToWindow(handle);
        }
        if (!sized) {
          // The window includes MiniBrowser's own chrome: size it so the page gets `viewport`.
          await session.setWindowSize(viewport.width, viewport.height);
          const inner = (await session.execute(() => innerHeight)) as number;
          await session.setWindowSize(viewport.width, viewport.height + (viewport.height - inner));
          sized = true;
        }
        openWindows.add(handle);
        return tab(handle, []);
      }),
    setOffline: async () => false,
    async close() {
      try {
        await serial(() => session.deleteSession());
      } finally {
        stop();
      }
    },
  };
}

/**
 * Runs `fn(arg)` in the page and returns its result, boxed on the way: webdriverio reads any answer
 * whose value has an `error` field as a failed command, so a page result such as a sync state with
 * its `error` ({ code: 'NETWORK', ... }) would throw `WebDriverError: [object Object]`. Boxing the
 * result as `{ result }` keeps it a value.
 */
async function evaluateBoxed<R, A>(session: Session, fn: (arg: A) => R | Promise<R>, arg?: A): Promise<Awaited<R>> {
  // A string script, so the box is added in the page; `__name` is what the test transform's
  // keepNames calls, which webdriverio otherwise defines with its own wrapper.
  const script = `const __name = (target) => target; return Promise.resolve((${fn.toString()}).apply(null, arguments)).then((result) => ({ result }));`;
  const boxed = (await session.execute(script, arg)) as { result?: Awaited<R> };
  return boxed.result as Awaited<R>;
}

/** An Xvfb display of our own (`-displayfd` tells the number once it accepts clients). */
function startDisplay(): Promise<{ name: string; process: ChildProcess }> {
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1920x1080x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return new Promise((resolve, reject) => {
    let errors = '';
    child.stderr?.on('data', (chunk) => (errors += chunk));
    child.once('error', (error) =>
      reject(new Error(`Xvfb did not start (apt-get install xvfb; .ci/run does): ${error.message}`)),
    );
    child.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}: ${errors}`)));
    const timer = setTimeout(
      () => reject(new Error(`Xvfb gave no display within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    let out = '';
    child.stdio[3]?.on('data', (chunk) => {
      out += chunk;
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      child.stderr?.removeAllListeners('data');
      resolve({ name: `:${out.trim()}`, process: child });
    });
  });
}

async function startDriver(display: string): Promise<{ port: number; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn('WebKitWebDriver', [`--port=${port}`], {
    stdio: 'ignore',
    detached: true,
    env: { ...process.env, DISPLAY: display },
  });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(
        new Error(`WebKitWebDriver did not start (apt-get install webkit2gtk-driver; .ci/run does): ${error.message}`),
      ),
    );
    child.once('exit', (code) => reject(new Error(`WebKitWebDriver exited with ${code}`)));
  });
  failed.catch(() => {});
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const ready = await Promise.race([
      failed,
      fetch(`http://127.0.0.1:${port}/status`).then(
        (r) => r.ok,
        () => false,
      ),
    ]);
    if (ready) return { port, process: child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  stopGroup(child);
  throw new Error(`WebKitWebDriver did not answer within ${START_TIMEOUT_MS} ms`);
}

/** The WebKitGTK version MiniBrowser reports. */
function webkitVersion(display: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(MINIBROWSER_PATH, ['--version'], { env: { ...process.env, DISPLAY: display } });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', () => resolve('unknown'));
    child.on('close', () => resolve(/[\d.]+/.exec(out)?.[0] ?? 'unknown'));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function stopGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}
