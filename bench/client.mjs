// Client cost in real Chromium, with the SDK build the example pages use (examples/vendor, served
// by the dev Worker): one push preparation and one apply of a pulled snapshot, each next to its
// floor, timed in the page with performance.now() and summarised as medians.
import { median } from './percentiles.mjs';
import { KEY_PREFIX } from './snapshots.mjs';

/** Measured runs per size (median of these), after WARMUP_RUNS unmeasured ones. */
export const CLIENT_RUNS = 21;
const WARMUP_RUNS = 3;
/** Snapshots smaller than this repeat each step so that one sample covers about this many bytes. */
const REPEAT_BYTES = 250_000;

/**
 * Runs in the page. Per run, on the same data:
 * - push preparation of a one-key edit as the SDK does it (DESIGN §8): after the collect from
 *   localStorage (timed on its own), the checksum (canonical JSON + UTF-8 + SHA-256) and the patch
 *   against the base with the push body's JSON; floor: JSON.stringify of the snapshot, its UTF-8
 *   bytes and their digest, what any client that sends a checksummed snapshot must do at least;
 * - apply as the SDK does it on a new device: parse and validate the pull body, adapter.apply;
 *   floor: JSON.parse of the same body and a bare setItem per key.
 * Small snapshots repeat each step `reps` times per run, each repetition timed on its own, so a
 * sample is well above the timer's resolution. Apply and its floor swap order every run, so
 * neither always pays for the other's garbage.
 */
async function benchInPage({ entries, pullBody, prefix, runs, warmup, reps }) {
  const sdk = await import('/vendor/taco-sync/index.js');
  const contract = await import('/vendor/taco-sync/contract.js');
  const adapter = sdk.keyPrefixAdapter({ prefixes: [prefix] });
  const names = ['collect', 'checksum', 'body', 'prep', 'stringify', 'digest', 'floor', 'apply', 'applyFloor'];
  const base = Object.fromEntries(entries);
  const edited = entries[Math.floor(entries.length / 2)][0];
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  const now = () => performance.now();

  const prepare = async (sum, rep, floorFirst) => {
    localStorage.setItem(edited, `${base[edited]} edit ${rep}`);
    // Each side gets its own fresh collect, and they swap order every run, so neither always
    // pays for the other's garbage or for first touching the strings localStorage returned.
    const floor = async () => {
      const snapshot = await adapter.collect();
      const t3 = now();
      const bytes = new TextEncoder().encode(JSON.stringify(snapshot));
      const t4 = now();
      await crypto.subtle.digest('SHA-256', bytes);
      const t5 = now();
      sum.stringify += t4 - t3;
      sum.digest += t5 - t4;
      sum.floor += t5 - t3;
    };
    if (floorFirst) await floor();
    const t0 = now();
    const snapshot = await adapter.collect();
    const t1 = now();
    const checksum = await sdk.checksum(snapshot);
    const t2 = now();
    JSON.stringify({
      patch: contract.patchBetween(base, snapshot),
      version: 7,
      baseChecksum: checksum,
      checksum,
      deviceId: 'bench-device',
      timestamp: new Date().toISOString(),
    });
    const t3 = now();
    sum.collect += t1 - t0;
    sum.checksum += t2 - t1;
    sum.body += t3 - t2;
    sum.prep += t3 - t1;
    if (!floorFirst) await floor();
  };
  const apply = async (sum) => {
    localStorage.clear();
    const t0 = now();
    const parsed = contract.parsePullResponse(JSON.parse(pullBody));
    if (!parsed.ok) throw new Error(parsed.error);
    await adapter.apply(parsed.value.data);
    sum.apply += now() - t0;
    if (localStorage.length !== entries.length)
      throw new Error(`apply wrote ${localStorage.length} of ${entries.length} keys`);
  };
  const applyFloor = (sum) => {
    localStorage.clear();
    const t0 = now();
    const { data } = JSON.parse(pullBody);
    for (const key of Object.keys(data)) localStorage.setItem(key, data[key]);
    sum.applyFloor += now() - t0;
  };

  for (let run = 0; run < warmup + runs; run++) {
    const sum = Object.fromEntries(names.map((name) => [name, 0]));
    localStorage.clear();
    for (const [key, value] of entries) localStorage.setItem(key, value);
    for (let rep = 0; rep < reps; rep++) await prepare(sum, rep, run % 2 === 1);
    for (let rep = 0; rep < reps; rep++) {
      if (run % 2 === 0) {
        await apply(sum);
        applyFloor(sum);
      } else {
        applyFloor(sum);
        await apply(sum);
      }
    }
    if (run >= warmup) for (const name of names) samples[name].push(sum[name] / reps);
  }
  localStorage.clear();
  return { samples, crossOriginIsolated: self.crossOriginIsolated };
}

/**
 * Opens a blank page on the dev Worker's origin (a secure context that can import the vendored
 * SDK) and benchmarks each snapshot with its pull body from the wire phase.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url the dev Worker
 * @param {{ size: object, data: Record<string, string>, pullBody: string }[]} cases
 */
export async function measureClient(browser, url, cases) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route(`${url}/__bench/client.html`, (route) =>
    // Cross-origin isolated, so performance.now() has 5 µs resolution instead of 100 µs.
    route.fulfill({
      contentType: 'text/html',
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
      body: '<!doctype html><meta charset="utf-8"><title>taco-sync bench</title>',
    }),
  );
  await page.goto(`${url}/__bench/client.html`);
  const rows = [];
  try {
    for (const { size, data, pullBody } of cases) {
      const reps = Math.max(1, Math.round(REPEAT_BYTES / size.bytes));
      const { samples, crossOriginIsolated } = await page.evaluate(benchInPage, {
        entries: Object.entries(data),
        pullBody,
        prefix: KEY_PREFIX,
        runs: CLIENT_RUNS,
        warmup: WARMUP_RUNS,
        reps,
      });
      if (!crossOriginIsolated)
        throw new Error('the bench page is not cross-origin isolated: timer resolution would be 100 µs');
      const medians = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
      rows.push({ size, keys: Object.keys(data).length, reps, ...medians });
    }
  } finally {
    await context.close();
  }
  return rows;
}
