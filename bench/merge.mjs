// Merge cost (DESIGN §9, issue 20): what a key-level merge costs a device against a plain pull of
// the same kind of change, at 1 MB and 5 MB. Another device (this process) pushes one-key edits to
// the dev Worker; the device under test is a tab in Chromium with the SDK build the examples use.
// - plain pull: the tab changed nothing, so its `syncNow()` is a check and a patch pull.
// - merge: the tab edited another key first, so its `syncNow()` checks, pulls the patch, merges the
//   two edits key by key, applies the result and pushes it (a patch) on the version it merged with.
// Each sample is the tab's wall time of `syncNow()` (performance.now() in the page), the requests to
// the local `wrangler dev` included. Runs inside `npm run bench`, or alone: `node bench/merge.mjs`.
import { runAloneIfMain } from './alone.mjs';
import { median } from './percentiles.mjs';
import { editOneKey, KEY_PREFIX, makeSnapshot, SNAPSHOT_SIZES } from './snapshots.mjs';
import { APP, devToken, patchBody, preparedSnapshot, pushBodyText, syncApi } from './sync-api.mjs';

/** Measured samples of each kind per size (the median is reported), after one unmeasured pair. */
export const MERGE_RUNS = 7;
/** The sizes measured: the merge's cost grows with the store, so the large ones tell. */
export const MERGE_SIZES = SNAPSHOT_SIZES.filter((size) => size.bytes >= 1_000_000);
const OTHER_DEVICE = 'bench-other-device';

/** Runs in the page: a manager over the bench keys, started (it pulls the store). */
async function startDevice({ url, token, app, prefix }) {
  localStorage.clear();
  const sdk = await import('/vendor/taco-sync/index.js');
  const sync = sdk.createSync({
    app,
    endpoint: url,
    getToken: () => token,
    adapter: sdk.keyPrefixAdapter({ prefixes: [prefix] }),
    debounceMs: 3_600_000,
    returnCheckMs: 3_600_000,
  });
  sync.onReplace(() => {});
  await sync.start();
  window.benchSync = sync;
  return sync.getState();
}

/** Runs in the page: an optional local edit, then `syncNow()`, timed. */
async function timedSyncNow({ edit }) {
  const sync = window.benchSync;
  if (edit) {
    localStorage.setItem(edit.key, edit.value);
    sync.notifyChanged();
  }
  const started = performance.now();
  await sync.syncNow();
  const ms = performance.now() - started;
  const { status, version } = sync.getState();
  return { ms, status, version };
}

/**
 * Measures plain pulls and merges for each of `MERGE_SIZES` against the dev Worker at `url`.
 * A sample whose tab does not end synced on the expected version, or a server that does not hold
 * both edits afterwards, is a failure (pushed to `failures`).
 * @param {import('playwright-core').Browser} browser
 * @param {{ url: string, runId: string, failures: string[] }} options
 * @returns {Promise<{ size: { label: string, bytes: number }, runs: number, pullMs: number, mergeMs: number }[]>} medians in ms
 */
export async function measureMerge(browser, { url, runId, failures }) {
  const rows = [];
  for (const size of MERGE_SIZES)
    rows.push(await measureSize(browser, { url, user: `merge-${size.bytes}-${runId}`, size, failures }));
  return rows;
}

async function measureSize(browser, { url, user, size, failures }) {
  const api = syncApi(url, await devToken(url, user));
  let snapshot = await preparedSnapshot(makeSnapshot(size.bytes, 11));
  const first = await api.push(pushBodyText(snapshot, 0, OTHER_DEVICE));
  if (first.status !== 200) throw new Error(`merge bench: first push answered ${first.status} ${first.text}`);
  let version = JSON.parse(first.text).version;
  /** The other device's one-key edit, pushed as a patch. */
  const pushEdit = async (n) => {
    const next = await preparedSnapshot(editOneKey(snapshot.data, n).data);
    const { body, gzip } = patchBody(snapshot, next, version, OTHER_DEVICE);
    const answer = await api.push(body, gzip);
    if (answer.status !== 200) throw new Error(`merge bench: push answered ${answer.status} ${answer.text}`);
    version = JSON.parse(answer.text).version;
    snapshot = next;
  };
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${url}/index.html`);
  const token = await devToken(url, user);
  const samples = { pull: [], merge: [] };
  try {
    await page.evaluate(startDevice, { url, token, app: APP, prefix: KEY_PREFIX });
    for (let run = 0; run <= MERGE_RUNS; run++) {
      // The other device edits the even keys, this tab the odd ones: never the same key.
      await pushEdit(4 * run);
      const pulled = await page.evaluate(timedSyncNow, { edit: null });
      if (pulled.status !== 'synced' || pulled.version !== version)
        failures.push(
          `merge bench ${size.label}: plain pull ended ${pulled.status} v${pulled.version}, not synced v${version}`,
        );
      await pushEdit(4 * run + 2);
      const mine = editOneKey(snapshot.data, 4 * run + 1);
      const merged = await page.evaluate(timedSyncNow, { edit: { key: mine.key, value: mine.data[mine.key] } });
      if (merged.status !== 'synced' || merged.version !== version + 1)
        failures.push(
          `merge bench ${size.label}: merge ended ${merged.status} v${merged.version}, not synced v${version + 1}`,
        );
      // Both edits: the other device's is already in `snapshot`, so this is what the server should hold.
      snapshot = await preparedSnapshot(mine.data);
      version = merged.version;
      if (run > 0) {
        samples.pull.push(pulled.ms);
        samples.merge.push(merged.ms);
      }
    }
    const held = await api.meta();
    const meta = JSON.parse(held.text).meta;
    if (meta?.checksum !== snapshot.checksum)
      failures.push(
        `merge bench ${size.label}: the server does not hold both devices' edits (checksum ${meta?.checksum} != ${snapshot.checksum})`,
      );
  } finally {
    await context.close();
  }
  return { size, runs: MERGE_RUNS, pullMs: median(samples.pull), mergeMs: median(samples.merge) };
}

/** The report's section (docs/performance.md). */
export function mergeSection(rows) {
  const ms = (value) => (Number.isFinite(value) ? `${Math.round(value)} ms` : 'n/a');
  const lines = rows.map(
    (row) =>
      `| ${row.size.label} | ${ms(row.pullMs)} | ${ms(row.mergeMs)} | **${(row.mergeMs / row.pullMs).toFixed(1)}×** |`,
  );
  return `## 8. Merge against a plain pull

A tab in Chromium holding the store, and another device pushing one-key edits (\`bench/merge.mjs\`,
median of ${rows[0]?.runs ?? 0} of each per size, \`wrangler dev\`). A plain pull: the tab changed nothing, its
\`syncNow()\` checks and pulls the patch. A merge: the tab edited another key first, so its \`syncNow()\`
checks, pulls the patch, merges key by key, applies and pushes the merged version. Wall time of
\`syncNow()\` in the page, requests included:

| Store | plain pull | merge | **merge / pull** |
|---|---:|---:|---:|
${lines.join('\n')}`;
}

runAloneIfMain(import.meta.url, 'merge bench', measureMerge, mergeSection);
