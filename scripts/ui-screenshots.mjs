// Renders the taco-sync elements in Chromium and writes the PNGs docs/ui.md shows:
//   docs/images/ui-status-{light,dark}.png    <taco-sync-status> in every status
//   docs/images/ui-conflict-{light,dark}.png  <taco-sync-conflict> open over a small app
// It bundles a demo page (the elements + the fake manager from the tests) with esbuild, serves it on
// 127.0.0.1 (a free port) and opens it with playwright-core in /usr/bin/chromium.
//
// Usage: node scripts/ui-screenshots.mjs   (CHROMIUM_PATH=/path/to/chromium to use another binary)
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/support/chromium-config.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = `${ROOT}docs/images`;

const SCHEMES = ['light', 'dark'];

const DEMO_SCRIPT = `
import { defineTacoSyncElements } from './sdk/elements/index.ts';
import { FakeSyncManager } from './sdk/elements/fake-sync-manager.ts';

defineTacoSyncElements();
const minutesAgo = (m) => new Date(Date.now() - m * 60_000).toISOString();
const conflict = {
  reason: 'server-newer',
  localVersion: 41,
  serverVersion: 42,
  serverModified: minutesAgo(12),
  serverDeviceId: 'laptop-7f3a9c',
  diff: {
    added: ['tenure:notes'],
    removed: ['tenure:draft-2026-11'],
    changed: ['tenure:settings', 'tenure:rates', 'tenure:clients'],
  },
};
const statuses = [
  ['synced', { status: 'synced', version: 42, lastSyncedAt: minutesAgo(2) }],
  ['pending', { status: 'pending', pendingSince: minutesAgo(1), lastSyncedAt: minutesAgo(14) }],
  ['syncing', { status: 'syncing', lastSyncedAt: minutesAgo(14) }],
  ['idle', { status: 'idle', lastSyncedAt: minutesAgo(60 * 5) }],
  ['offline', { status: 'offline', online: false, pendingSince: minutesAgo(6), lastSyncedAt: minutesAgo(20) }],
  ['conflict', { status: 'conflict', conflict }],
  ['error', { status: 'error', error: { code: 'PAYLOAD_TOO_LARGE', message: 'Your data is larger than the 5 MB the server accepts' } }],
  ['disabled', { status: 'disabled', pendingSince: minutesAgo(30), disabledReason: 'Your plan does not include sync' }],
];

const view = new URLSearchParams(location.search).get('view');
if (view === 'conflict') {
  const manager = new FakeSyncManager({ status: 'conflict', conflict, version: 41, pendingSince: minutesAgo(3) });
  document.body.innerHTML = \`
    <div class="app">
      <header><strong>Tenure</strong><taco-sync-status compact></taco-sync-status></header>
      <main>
        <h1>Clients</h1>
        <div class="line"></div><div class="line short"></div><div class="line"></div><div class="line short"></div>
      </main>
    </div>
    <taco-sync-conflict></taco-sync-conflict>\`;
  document.querySelector('taco-sync-status').manager = manager;
  document.querySelector('taco-sync-conflict').manager = manager;
} else {
  const card = document.createElement('div');
  card.className = 'card';
  card.dataset.shot = 'status';
  for (const [name, state] of statuses) {
    const row = document.createElement('div');
    row.className = 'row';
    row.innerHTML = \`<code>\${name}</code><taco-sync-status></taco-sync-status>\`;
    row.querySelector('taco-sync-status').manager = new FakeSyncManager(state);
    card.append(row);
  }
  document.body.append(card);
}
`;

const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="color-scheme" content="light dark">
<title>taco-sync elements</title>
<style>
  :root { color-scheme: light dark; --page: #f6f8fa; --panel: #ffffff; --line: #d1d9e0; --ink: #1f2328; --soft: #59636e; }
  @media (prefers-color-scheme: dark) { :root { --page: #0d1117; --panel: #161b22; --line: #30363d; --ink: #e6edf3; --soft: #9aa4ae; } }
  body { margin: 0; padding: 32px; background: var(--page); color: var(--ink); font: 14px/1.45 system-ui, sans-serif; }
  .card { width: 720px; background: var(--panel); border: 1px solid var(--line); border-radius: 12px; --taco-sync-surface: var(--panel); }
  .row { display: grid; grid-template-columns: 96px 1fr; align-items: center; gap: 16px; padding: 14px 20px; border-top: 1px solid var(--line); }
  .row:first-child { border-top: 0; }
  .row > code { color: var(--soft); font: 12px ui-monospace, monospace; }
  .row > taco-sync-status { display: block; }
  .app { width: 100%; }
  header { display: flex; align-items: center; justify-content: space-between; padding: 12px 20px; background: var(--panel); border: 1px solid var(--line); border-radius: 12px; --taco-sync-surface: var(--panel); }
  main { padding: 24px 20px; }
  .line { height: 14px; margin: 14px 0; border-radius: 7px; background: var(--line); }
  .line.short { width: 60%; }
</style>
</head>
<body><script type="module" src="/demo.js"></script></body>
</html>`;

async function bundleDemo() {
  const result = await build({
    stdin: { contents: DEMO_SCRIPT, resolveDir: ROOT, sourcefile: 'ui-demo.js', loader: 'js' },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

function serve(script) {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/demo.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE_HTML);
    } else {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  await mkdir(OUT_DIR, { recursive: true });
  const server = await serve(await bundleDemo());
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  try {
    for (const colorScheme of SCHEMES) {
      const context = await browser.newContext({
        colorScheme,
        reducedMotion: 'reduce',
        deviceScaleFactor: 2,
        viewport: { width: 800, height: 640 },
      });
      const page = await context.newPage();
      page.on('pageerror', (error) => { throw error; });

      await page.goto(`${origin}/`);
      const card = page.locator('[data-shot="status"]');
      await card.waitFor();
      await card.screenshot({ path: `${OUT_DIR}/ui-status-${colorScheme}.png`, animations: 'disabled' });

      await page.goto(`${origin}/?view=conflict`);
      await page.getByRole('dialog').waitFor();
      await page.screenshot({ path: `${OUT_DIR}/ui-conflict-${colorScheme}.png`, animations: 'disabled' });
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`wrote ${SCHEMES.length * 2} screenshots to ${OUT_DIR}`);
}

await main();
