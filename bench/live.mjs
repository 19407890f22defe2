// Live latency (DESIGN §9): how long after a commit an open tab with `live: true` checks the server
// and applies the new version, with no action. Another device (this process) pushes one-key edits
// to the dev Worker; the tab, in Chromium, hears the announcement over its WebSocket, checks (meta)
// and pulls. Times are taken in this process, from the moment the push left (the commit and its
// announcement happen during the push, whose own round trip is given beside) to the tab's meta
// request, and to its onReplace call. Runs inside `npm run bench`, or alone: `node bench/live.mjs` (builds and starts
// its own `wrangler dev`).
import { runAloneIfMain } from './alone.mjs';
import { percentile } from './percentiles.mjs';
import { APP, devToken, preparedSnapshot, pushBodyText, syncApi } from './sync-api.mjs';

/** Commits measured, one at a time. */
export const LIVE_COMMITS = 30;
/** Pause between one commit being applied and the next push, so commits never overlap. */
const PAUSE_MS = 200;
/** How long a commit may take to reach the tab before the run counts it as lost (a failure). */
const APPLY_TIMEOUT_MS = 15_000;
/** Opening the socket (the live chunk loads, the tab takes the live lock, the upgrade). */
const SOCKET_OPEN_MS = 30_000;
const KEY = 'bench_live';

/** Runs in the page: a manager with live updates whose replacements are reported to the bench. */
async function startLiveTab({ url, token, app, key }) {
  const sdk = await import('/vendor/taco-sync/index.js');
  const sync = sdk.createSync({
    app,
    endpoint: url,
    getToken: () => token,
    adapter: sdk.keyPrefixAdapter({ keys: [key] }),
    live: true,
    debounceMs: 3_600_000,
  });
  sync.onReplace(() => window.benchApplied(localStorage.getItem(key)));
  await sync.start();
  return sync.getState().version;
}

const until = async (what, ready, timeoutMs) => {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`live bench: no ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** Commits until one reaches the tab: the socket is then open in the room (the page's socket event comes before the upgrade). */
async function warmUp(push, applied) {
  const deadline = Date.now() + SOCKET_OPEN_MS;
  for (let i = 0; Date.now() < deadline; i++) {
    await push(`warm-up ${i}`);
    const ok = await until('warm-up', () => applied.some((a) => a.value === `warm-up ${i}`), 2_000).then(
      () => true,
      () => false,
    );
    if (ok) return;
  }
  throw new Error(`live bench: no commit reached the tab within ${SOCKET_OPEN_MS} ms`);
}

/**
 * Measures announcement latency against the dev Worker at `url`.
 * @param {import('playwright-core').Browser} browser
 * @param {{ url: string, runId: string, failures: string[] }} options
 * @returns {Promise<{ commits: number, push: { p50: number, p99: number }, check: { p50: number, p99: number }, apply: { p50: number, p99: number } }>} ms
 */
export async function measureLiveLatency(browser, { url, runId, failures }) {
  const user = `live-${runId}`;
  const token = await devToken(url, user);
  const api = syncApi(url, token);
  let version = 0;
  const push = async (value) => {
    const body = pushBodyText(await preparedSnapshot({ [KEY]: value }), version, 'bench-other-device');
    const sentAt = performance.now();
    const answer = await api.push(body);
    if (answer.status !== 200) throw new Error(`live bench: push answered ${answer.status} ${answer.text}`);
    version = JSON.parse(answer.text).version;
    return { sentAt, answeredAt: performance.now() };
  };
  await push('v0');
  const context = await browser.newContext();
  const page = await context.newPage();
  const checks = [];
  const applied = [];
  let sockets = 0;
  page.on('websocket', () => sockets++);
  page.on(
    'request',
    (request) => new URL(request.url()).pathname.endsWith(`/${APP}/meta`) && checks.push(performance.now()),
  );
  await page.exposeFunction('benchApplied', (value) => applied.push({ value, at: performance.now() }));
  // BENCH_DEBUG=1 shows the page's console (a socket the browser refused says why there only).
  page.on('console', (message) => process.env.BENCH_DEBUG && process.stderr.write(`page: ${message.text()}\n`));
  // A page the dev Worker serves: Chromium's local network access checks block a WebSocket to
  // 127.0.0.1 from a page Playwright fulfils itself.
  await page.goto(`${url}/index.html`);
  try {
    await page.evaluate(startLiveTab, { url, token, app: APP, key: KEY });
    await until('live socket', () => sockets > 0, SOCKET_OPEN_MS);
    await warmUp(push, applied);
    const check = [];
    const apply = [];
    const pushed = [];
    for (let i = 1; i <= LIVE_COMMITS; i++) {
      const checksBefore = checks.length;
      const { sentAt, answeredAt } = await push(`v${i}`);
      pushed.push(answeredAt - sentAt);
      await until(`apply of commit ${i}`, () => applied.some((a) => a.value === `v${i}`), APPLY_TIMEOUT_MS).catch(
        (error) => failures.push(String(error.message)),
      );
      const hit = applied.find((a) => a.value === `v${i}`);
      if (!hit) continue;
      // The tab's check: its first meta after the push was sent (it may leave before the answer is read here).
      const checkedAt = checks.slice(checksBefore)[0];
      if (checkedAt !== undefined) check.push(checkedAt - sentAt);
      apply.push(hit.at - sentAt);
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
    const summary = (values) => ({ p50: percentile(values, 50), p99: percentile(values, 99) });
    return { commits: apply.length, push: summary(pushed), check: summary(check), apply: summary(apply) };
  } finally {
    await context.close();
  }
}

/** The table row of the report (docs/performance.md). */
export function liveSection(live) {
  const ms = (value) => (Number.isFinite(value) ? `${Math.round(value)} ms` : 'n/a');
  return `## 7. Live updates

An open tab with \`live: true\` and another device pushing one-key edits, ${live.commits} commits one
at a time (\`bench/live.mjs\`; \`wrangler dev\`'s local Durable Object, Chromium). From the moment the push
left (it commits and announces before it answers) to the tab's check (its meta request), and to the new version
applied in the tab (\`onReplace\`); the push's own round trip beside:

| | p50 | p99 |
|---|---:|---:|
| push round trip | ${ms(live.push.p50)} | ${ms(live.push.p99)} |
| commit -> check | ${ms(live.check.p50)} | ${ms(live.check.p99)} |
| commit -> applied | ${ms(live.apply.p50)} | ${ms(live.apply.p99)} |`;
}

runAloneIfMain(import.meta.url, 'live bench', measureLiveLatency, liveSection);
