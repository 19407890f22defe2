// `npm run bench` (issue 7): builds the SDK, starts the Worker under `wrangler dev` with a fresh
// local R2 and Debian's Chromium, measures client, wire, Worker and R2 cost for 10 KB to 5 MB
// snapshots, the Worker's peak heap per MB of data (bench/memory.mjs, 1 to 10 MB), live latency
// (bench/live.mjs) and a merge against a plain pull (bench/merge.mjs), checks
// correctness under the load, prints the tables and writes docs/performance.md.
// Exits non-zero (and writes nothing) if any acknowledged push is lost or acknowledged twice.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/support/chromium-config.mjs';
import { answerHelp } from '../scripts/usage.mjs';
import { buildExamples, root, startDevServer } from '../scripts/dev-server.mjs';
import { makeSnapshot, SNAPSHOT_SIZES } from './snapshots.mjs';

answerHelp(`usage: npm run bench   (BENCH_PORT=8897 picks the first port tried)
  Builds the SDK, runs the Worker under wrangler dev with a fresh local R2 and Debian's Chromium,
  measures 10 KB to 5 MB snapshots, checks no acknowledged push is lost, prints the tables and
  writes docs/performance.md. Takes minutes. No options.`);

const REPORT_PATH = join(root, 'docs/performance.md');
const FIRST_PORT = Number(process.env.BENCH_PORT ?? 8897);

/** A port whose next one is free too (the dev server also opens port + 1 as a second origin). */
async function freePortPair(from) {
  const isFree = (port) =>
    new Promise((resolve) => {
      const server = createServer()
        .once('error', () => resolve(false))
        .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let port = from; port < from + 100; port += 2) if ((await isFree(port)) && (await isFree(port + 1))) return port;
  throw new Error(`no two free ports from ${from}`);
}

function machineInfo(chromiumVersion) {
  const wrangler = JSON.parse(readFileSync(join(root, 'node_modules/wrangler/package.json'), 'utf8')).version;
  return {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    chromium: chromiumVersion,
    wrangler,
  };
}

const step = (text) => process.stdout.write(`\n== ${text}\n`);

async function main() {
  const started = performance.now();
  step('build the SDK and the examples bundle');
  await buildExamples();
  // After the build: these read dist/ (the contract's checksum), which the build just wrote.
  const { measureWire, startByteCounter } = await import('./wire.mjs');
  const { measureClient, CLIENT_RUNS } = await import('./client.mjs');
  const { measureLoad, PHASE_MS } = await import('./load.mjs');
  const { checkContention, CONTENTION_DEVICES, CONTENTION_MS } = await import('./contention.mjs');
  const { measureLiveLatency, LIVE_COMMITS } = await import('./live.mjs');
  const { measureMerge, MERGE_RUNS } = await import('./merge.mjs');
  const { renderReport } = await import('./report.mjs');
  const { measureMemory } = await import('./memory.mjs');

  const runId = Date.now().toString(36);
  const persistTo = mkdtempSync(join(tmpdir(), 'taco-sync-bench-'));
  const port = await freePortPair(FIRST_PORT);
  step(`wrangler dev on 127.0.0.1:${port} (local R2 in ${persistTo})`);
  const server = await startDevServer({ port, persistTo });
  const relay = await startByteCounter(port);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const stopAll = () => {
    relay.close();
    server.stop();
    rmSync(persistTo, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    stopAll();
    process.exit(130);
  });

  const failures = [];
  try {
    const cases = SNAPSHOT_SIZES.map((size) => ({ size, data: makeSnapshot(size.bytes) }));

    step('wire bytes and R2 operations (one request at a time)');
    const wire = [];
    for (const { size, data } of cases) wire.push(await measureWire({ url: server.url, relay, runId, size, data }));

    step(`client in Chromium (${CLIENT_RUNS} runs per size)`);
    const client = await measureClient(
      browser,
      server.url,
      cases.map((c, i) => ({ ...c, pullBody: wire[i].pullBody })),
    );

    step(`Worker under load (1, 16, 64 devices; ${PHASE_MS / 1000} s per phase)`);
    const load = await measureLoad({ url: server.url, runId, cases, failures });

    step(`racing pushes (${CONTENTION_DEVICES} devices, one user)`);
    const contention = await checkContention({ url: server.url, runId, data: cases[0].data, failures });

    step('peak V8 heap of the Worker per MB of data (node bench/memory.mjs runs this part alone)');
    const memory = await measureMemory({ log: (line) => process.stdout.write(`${line}\n`) });

    step(`live updates (${LIVE_COMMITS} commits to an open tab)`);
    const live = await measureLiveLatency(browser, { url: server.url, runId, failures });

    step(`merge against a plain pull (${MERGE_RUNS} of each at 1 MB and 5 MB)`);
    const merge = await measureMerge(browser, { url: server.url, runId, failures });

    const run = {
      memory,
      machine: machineInfo(browser.version()),
      client,
      clientRuns: CLIENT_RUNS,
      wire,
      live,
      merge,
      load: { ...load, phaseMs: PHASE_MS },
      contention: { ...contention, devices: CONTENTION_DEVICES, size: cases[0].size, seconds: CONTENTION_MS / 1000 },
      runtimeMs: performance.now() - started,
    };
    if (failures.length > 0)
      throw new Error(`correctness failed (${failures.length}):\n  ${failures.slice(0, 20).join('\n  ')}`);
    const report = renderReport(run);
    process.stdout.write(`\n${report}`);
    writeFileSync(REPORT_PATH, report);
    process.stdout.write(`\nWrote ${REPORT_PATH} in ${(run.runtimeMs / 1000).toFixed(0)} s\n`);
  } catch (error) {
    process.stderr.write(`\nwrangler dev said (last 3000 characters):\n${server.output().slice(-3000)}\n`);
    throw error;
  } finally {
    await browser.close();
    stopAll();
  }
}

main().catch((error) => {
  const cause = error instanceof Error && error.cause ? `\ncause: ${String(error.cause)}` : '';
  process.stderr.write(`\nbench FAILED: ${error instanceof Error ? error.stack : String(error)}${cause}\n`);
  process.exit(1);
});
