// Renders the taco-sync elements in Chromium, checks what a person must be able to see and do, and
// writes the PNGs docs/ui.md shows:
//   docs/images/ui-status-{light,dark}.png          <taco-sync-status> in every status
//   docs/images/ui-conflict-{light,dark}.png        <taco-sync-conflict> over a small app, desktop
//   docs/images/ui-conflict-mobile-{light,dark}.png the same at 375x667 (a small phone)
//   docs/images/ui-history-{light,dark}.png         <taco-sync-history> with a confirmation open
// It bundles a demo page (the elements + the fake manager from the tests) with esbuild, serves it on
// 127.0.0.1 (a free port) and opens it with playwright-core in /usr/bin/chromium.
//
// The checks, in real Chromium at each size and scheme (the script fails on the first broken one):
//   - the dialog opens with its title inside the viewport and its body scrolled to the top, both
//     choices visible without scrolling, and nothing wider than the screen;
//   - no choice is preselected (focus is on the title) and Escape closes it without a choice;
//   - the history's Restore opens a confirmation and restores nothing until it is confirmed.
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
const DESKTOP = { width: 800, height: 640 };
const PHONE = { width: 375, height: 667 };

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
  serverDeviceId: 'kcOq3xW9bLr2PzT8aYf1d',
  diff: {
    added: ['tenure:notes'],
    removed: ['tenure:draft-2026-11'],
    changed: ['tenure:clients', 'tenure:rates', 'tenure:settings'],
  },
  local: { keys: 12, bytes: 4180, modifiedAt: minutesAgo(3), deviceName: 'Firefox on Linux' },
  server: { keys: 12, bytes: 3960, modifiedAt: minutesAgo(12), deviceName: 'Chrome on Android' },
  values: [
    { key: 'tenure:notes', local: 'Call Ana about the Lisbon offer', server: null },
    { key: 'tenure:rates', local: '{"day":640,"currency":"EUR"}', server: '{"day":600,"currency":"EUR"}' },
    { key: 'tenure:settings', local: '{"weekStart":"monday"}', server: '{"weekStart":"sunday"}' },
  ],
};
const statuses = [
  ['synced', { status: 'synced', version: 42, lastSyncedAt: minutesAgo(2) }],
  ['pending', { status: 'pending', pendingSince: minutesAgo(1), lastSyncedAt: minutesAgo(14) }],
  ['retrying', { status: 'pending', error: { code: 'NETWORK', message: 'TypeError: Failed to fetch' }, nextRetryAt: minutesAgo(-1) }],
  ['syncing', { status: 'syncing', lastSyncedAt: minutesAgo(14) }],
  ['idle', { status: 'idle', lastSyncedAt: minutesAgo(60 * 5) }],
  ['offline', { status: 'offline', online: false, pendingSince: minutesAgo(6), lastSyncedAt: minutesAgo(20) }],
  ['conflict', { status: 'conflict', conflict }],
  ['error', { status: 'error', error: { code: 'LOCAL', message: "Nothing written: QuotaExceededError: Failed to execute 'setItem' on 'Storage'" } }],
  ['disabled', { status: 'disabled', pendingSince: minutesAgo(30), disabledReason: 'No subscription allows sync for "tenure" (needs sync_tenure, sync_all or taco_club).' }],
  ['reload', { status: 'synced', lastSyncedAt: minutesAgo(0), reloadReason: 'newer-data' }],
];
const history = [
  { version: 38, checksum: 'a', deviceId: 'kcOq3xW9bLr2PzT8aYf1d', deviceName: 'Chrome on Android', lastModified: minutesAgo(60 * 26), size: 3710 },
  { version: 39, checksum: 'b', deviceId: 'Zt0pQm4vN8sYc2LwE6rH1', deviceName: 'Firefox on Linux', lastModified: minutesAgo(60 * 5), size: 3842 },
  { version: 40, checksum: 'c', deviceId: 'Zt0pQm4vN8sYc2LwE6rH1', lastModified: minutesAgo(95), size: 3901 },
  { version: 41, checksum: 'd', deviceId: 'kcOq3xW9bLr2PzT8aYf1d', deviceName: 'Chrome on Android', lastModified: minutesAgo(40), size: 3930 },
  { version: 42, checksum: 'e', deviceId: 'kcOq3xW9bLr2PzT8aYf1d', deviceName: 'Chrome on Android', lastModified: minutesAgo(12), size: 3960 },
];
const backups = [
  { id: 'b2', app: 'tenure', createdAt: minutesAgo(9), reason: 'use-server', owner: 'ana', baseVersion: 41, checksum: 'x', data: { 'tenure:notes': 'Call Ana about the Lisbon offer', 'tenure:rates': '{"day":640}' } },
  { id: 'b1', app: 'tenure', createdAt: minutesAgo(60 * 30), reason: 'pull', owner: 'ana', baseVersion: 36, checksum: 'y', data: { 'tenure:notes': 'Draft' } },
];

const view = new URLSearchParams(location.search).get('view');
if (view === 'conflict') {
  const manager = new FakeSyncManager({ status: 'conflict', conflict, version: 41, pendingSince: minutesAgo(3) });
  window.demoManager = manager;
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
} else if (view === 'history') {
  const manager = new FakeSyncManager({ status: 'synced', version: 42, lastSyncedAt: minutesAgo(2) });
  manager.setHistory(history);
  manager.setBackups(backups);
  window.demoManager = manager;
  document.body.innerHTML = '<div class="card pad" data-shot="history"><h2>History and backups</h2><taco-sync-history></taco-sync-history></div>';
  document.querySelector('taco-sync-history').manager = manager;
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
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>taco-sync elements</title>
<style>
  :root { color-scheme: light dark; --page: #f6f8fa; --panel: #ffffff; --line: #d1d9e0; --ink: #1f2328; --soft: #59636e; }
  @media (prefers-color-scheme: dark) { :root { --page: #0d1117; --panel: #161b22; --line: #30363d; --ink: #e6edf3; --soft: #9aa4ae; } }
  body { margin: 0; padding: 32px; background: var(--page); color: var(--ink); font: 14px/1.45 system-ui, sans-serif; }
  @media (max-width: 480px) { body { padding: 12px; } }
  .card { width: 720px; max-width: 100%; box-sizing: border-box; background: var(--panel); border: 1px solid var(--line); border-radius: 12px; --taco-sync-surface: var(--panel); }
  .card.pad { padding: 16px 20px; }
  .card h2 { margin: 0 0 12px; font-size: 16px; }
  .row { display: grid; grid-template-columns: 96px 1fr; align-items: center; gap: 16px; padding: 14px 20px; border-top: 1px solid var(--line); }
  .row:first-child { border-top: 0; }
  .row > code { color: var(--soft); font: 12px ui-monospace, monospace; }
  .row > taco-sync-status { display: block; }
  .app { width: 100%; }
  header { display: flex; align-items: center; justify-content: space-between; gap: 12px; padding: 12px 20px; background: var(--panel); border: 1px solid var(--line); border-radius: 12px; --taco-sync-surface: var(--panel); }
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

/** Fails with `what` and the measured facts unless `ok`. */
function check(ok, what, facts) {
  if (!ok) throw new Error(`ui-screenshots: ${what}\n${JSON.stringify(facts, null, 2)}`);
}

/** Where the open dialog's parts are, what has focus and how its body is scrolled. */
function measureDialog(page) {
  return page.evaluate(() => {
    const root = document.querySelector('taco-sync-conflict').shadowRoot;
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
    };
    const dialog = root.querySelector('dialog');
    const body = root.querySelector('.body');
    return {
      viewport: { width: innerWidth, height: innerHeight },
      dialog: box(dialog),
      title: box(root.querySelector('h2')),
      buttons: [...root.querySelectorAll('.actions button')].map(box),
      bodyScrollTop: body.scrollTop,
      overflowX: Math.max(dialog.scrollWidth - dialog.clientWidth, body.scrollWidth - body.clientWidth),
      pageOverflowX: document.documentElement.scrollWidth - innerWidth,
      focused: root.activeElement?.tagName ?? null,
    };
  });
}

async function checkConflict(page, label) {
  const m = await measureDialog(page);
  const inside = (r) => r.top >= 0 && r.left >= 0 && r.bottom <= m.viewport.height && r.right <= m.viewport.width;
  check(inside(m.dialog), `${label}: the dialog fits the viewport`, m);
  check(inside(m.title), `${label}: the title is in view`, m);
  check(m.bodyScrollTop === 0, `${label}: the body opens scrolled to the top`, m);
  check(m.buttons.length === 2 && m.buttons.every(inside), `${label}: both choices are visible without scrolling`, m);
  check(m.overflowX <= 0 && m.pageOverflowX <= 0, `${label}: nothing is wider than the screen`, m);
  check(m.focused === 'H2', `${label}: no choice is preselected (focus is on the title)`, m);
}

async function checkEscapeDismisses(page, label) {
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('taco-sync-conflict').open);
  const calls = await page.evaluate(() => window.demoManager.calls.length);
  check(calls === 0, `${label}: Escape closes the dialog without a choice`, { calls });
}

async function main() {
  await mkdir(OUT_DIR, { recursive: true });
  const server = await serve(await bundleDemo());
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  let written = 0;
  const shoot = async (target, name) => {
    await target.screenshot({ path: `${OUT_DIR}/${name}.png`, animations: 'disabled' });
    written += 1;
  };
  try {
    for (const colorScheme of SCHEMES) {
      const context = await browser.newContext({
        colorScheme,
        reducedMotion: 'reduce',
        deviceScaleFactor: 2,
        viewport: DESKTOP,
      });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (error) => errors.push(error));

      await page.goto(`${origin}/`);
      const card = page.locator('[data-shot="status"]');
      await card.waitFor();
      await shoot(card, `ui-status-${colorScheme}`);

      for (const [size, viewport, suffix] of [
        ['desktop', DESKTOP, ''],
        ['375x667', PHONE, '-mobile'],
      ]) {
        await page.setViewportSize(viewport);
        await page.goto(`${origin}/?view=conflict`);
        await page.getByRole('dialog').waitFor();
        await checkConflict(page, `conflict ${size} ${colorScheme}`);
        await shoot(page, `ui-conflict${suffix}-${colorScheme}`);
        await checkEscapeDismisses(page, `conflict ${size} ${colorScheme}`);
      }

      await page.setViewportSize(DESKTOP);
      await page.goto(`${origin}/?view=history`);
      const history = page.locator('[data-shot="history"]');
      await page.getByRole('button', { name: 'Restore version 40' }).click();
      const confirm = page.getByRole('group', { name: 'Restore version 40' });
      await confirm.waitFor();
      const before = await page.evaluate(() => window.demoManager.calls.length);
      check(before === 0, `history ${colorScheme}: Restore alone restores nothing`, { calls: before });
      await shoot(history, `ui-history-${colorScheme}`);
      await confirm.getByRole('button', { name: 'Restore version 40' }).click();
      const calls = await page.evaluate(() => window.demoManager.calls);
      check(
        JSON.stringify(calls) === JSON.stringify([{ method: 'restore', version: 40 }]),
        `history ${colorScheme}: the confirmation restores`,
        { calls },
      );

      check(errors.length === 0, `no page errors (${colorScheme})`, errors.map(String));
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(
    `checked the dialog at ${DESKTOP.width}x${DESKTOP.height} and ${PHONE.width}x${PHONE.height} and the history, light and dark; wrote ${written} screenshots to ${OUT_DIR}`,
  );
}

await main();
