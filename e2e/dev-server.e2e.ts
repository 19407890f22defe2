// A developer's first hour (issue 13): `npm run dev` on a port of their choice, a token from
// `npm run token`, and their own app, named `notes`, served by their own dev server on another
// localhost port, syncing between two browsers. Nothing in the clone is edited for it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePortPair, root } from '../scripts/dev-server.mjs';
import { eachEngine, type Device } from './support/device.js';
import { uniqueUser } from './support/server.js';

/** The developer's app: one text area whose value lives in localStorage under `notes_text`. */
const NOTES_APP_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Notes</title>
  <link rel="icon" href="data:,">
  <script type="importmap">{ "imports": { "taco-sync": "/vendor/taco-sync/index.js" } }</script>
</head>
<body>
  <textarea id="notes" aria-label="Notes"></textarea>
  <script type="module">
    import { createSync, keyPrefixAdapter } from 'taco-sync';
    const params = new URLSearchParams(location.search);
    const notes = document.querySelector('#notes');
    const render = () => { notes.value = localStorage.getItem('notes_text') ?? ''; };
    const sync = createSync({
      app: 'notes',
      endpoint: params.get('endpoint'),
      getToken: () => params.get('token'),
      adapter: keyPrefixAdapter({ prefixes: ['notes_'] }),
    });
    // Data from another device: the SDK fires \`storage\` events in this tab and calls onReplace.
    window.addEventListener('storage', (event) => { if (event.key === 'notes_text') render(); });
    sync.onReplace(render);
    notes.addEventListener('input', () => { localStorage.setItem('notes_text', notes.value); sync.notifyChanged(); });
    window.sync = sync;
    await sync.start();
    render();
    window.started = true;
  </script>
</body>
</html>`;

let dev: { child: ChildProcess; output: () => string; port: number; persistTo: string };
let app: { server: Server; url: string };
const gitStatus = (): string => spawnSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).stdout;
let statusBefore: string;

/** `npm run dev -- --port N`, exactly as the guide says, in its own process group. */
async function startNpmRunDev(port: number): Promise<typeof dev> {
  const persistTo = mkdtempSync(join(tmpdir(), 'taco-sync-dev-server-'));
  const child = spawn('npm', ['run', 'dev', '--', '--port', String(port), '--persist-to', persistTo], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const deadline = Date.now() + 100_000;
  while (!output.includes('Stop with Ctrl-C')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm run dev did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => output, port, persistTo };
}

/** The developer's own dev server (think Vite): their page, and the SDK bundle as their bundler would emit it. */
async function startAppServer(): Promise<typeof app> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(NOTES_APP_HTML);
    } else if (/^\/vendor\/taco-sync\/[\w.-]+\.js$/.test(path)) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(join(root, 'examples', path)));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://localhost:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  statusBefore = gitStatus();
  dev = await startNpmRunDev(await freePortPair());
  app = await startAppServer();
}, 150_000);

afterAll(async () => {
  app?.server.close();
  if (dev) {
    try {
      process.kill(-dev.child.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
    rmSync(dev.persistTo, { recursive: true, force: true });
  }
});

describe("npm run dev on its own port, with the developer's own app", () => {
  it('prints every address it serves', () => {
    const out = dev.output();
    expect(out).toContain(`http://127.0.0.1:${dev.port}/api/sync/{app}/`);
    expect(out).toContain(`endpoint: 'http://127.0.0.1:${dev.port}'`);
    expect(out).toContain(`http://127.0.0.1:${dev.port}/two-devices.html`);
    expect(out).toContain(`http://127.0.0.1:${dev.port + 1}`);
    expect(out).not.toMatch(/ 401 | 4\d\d [A-Z]/);
  });
});

type NotesWindow = {
  started?: boolean;
  sync: { getState(): { status: string; version: number }; syncNow(): Promise<void> };
};

eachEngine("npm run dev with the developer's own app, in a browser", (devices) => {
  it('syncs app "notes" from another localhost origin between two browsers, with a token from npm run token', async () => {
    const user = uniqueUser('notes');
    const token = spawnSync('npm', ['run', '--silent', 'token', '--', '--sub', user, '--subscriptions', 'sync_notes'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(token.status).toBe(0);
    const pageUrl = `${app.url}/?endpoint=${encodeURIComponent(`http://127.0.0.1:${dev.port}`)}&token=${token.stdout.trim()}`;
    const open = async (): Promise<Device> => {
      const device = await devices.blank();
      await device.goto(pageUrl);
      await device.waitFor(() => (window as unknown as NotesWindow).started === true);
      return device;
    };
    const status = (device: Device) => device.evaluate(() => (window as unknown as NotesWindow).sync.getState());
    const syncNow = (device: Device) => device.evaluate(() => (window as unknown as NotesWindow).sync.syncNow());
    const notes = (device: Device) =>
      device.evaluate(() => (document.querySelector('#notes') as HTMLTextAreaElement).value);

    const a = await open();
    await a.fill('#notes', 'milk, eggs');
    await syncNow(a);
    expect(await status(a)).toMatchObject({ status: 'synced', version: 1 });

    const b = await open();
    expect(await status(b)).toMatchObject({ status: 'synced', version: 1 });
    expect(await notes(b)).toBe('milk, eggs');

    await b.fill('#notes', 'milk, eggs, bread');
    await syncNow(b);
    expect(await status(b)).toMatchObject({ status: 'synced', version: 2 });
    await syncNow(a);
    await expect.poll(() => notes(a)).toBe('milk, eggs, bread');
    expect(await status(a)).toMatchObject({ status: 'synced', version: 2 });

    // A CORS refusal shows only in the console (not seen through WebKit's driver; see device.ts).
    expect([...a.consoleErrors, ...b.consoleErrors]).toEqual([]);
    expect(gitStatus()).toBe(statusBefore);
  });
});
