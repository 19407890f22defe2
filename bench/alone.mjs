// Runs one part of the benchmark on its own (`node bench/live.mjs`, `node bench/merge.mjs`): builds
// the examples, starts its own `wrangler dev` with a fresh local R2 and Debian's Chromium, measures,
// prints the part's section of the report and exits 1 on a correctness failure.
import { pathToFileURL } from 'node:url';

/**
 * When `moduleUrl` is the script node was started with, runs `measure` alone and prints `render` of its result.
 * @param {string} moduleUrl the part's `import.meta.url`
 * @param {string} name what the part is called in its messages
 * @param {(browser: import('playwright-core').Browser, options: { url: string, runId: string, failures: string[] }) => Promise<unknown>} measure
 * @param {(result: any) => string} render
 */
export function runAloneIfMain(moduleUrl, name, measure, render) {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  runAlone(name, measure, render).catch((error) => {
    process.stderr.write(`${name} FAILED: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}

async function runAlone(name, measure, render) {
  const { chromium } = await import('playwright-core');
  const { CHROMIUM_ARGS, CHROMIUM_PATH } = await import('../e2e/support/chromium-config.mjs');
  const { buildExamples, startDevServerOnFreePorts } = await import('../scripts/dev-server.mjs');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  await buildExamples();
  const persistTo = mkdtempSync(join(tmpdir(), 'taco-sync-bench-part-'));
  const server = await startDevServerOnFreePorts({ persistTo });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const failures = [];
  try {
    const result = await measure(browser, { url: server.url, runId: Date.now().toString(36), failures });
    process.stdout.write(`${render(result)}\n`);
    if (failures.length) throw new Error(`${name}: ${failures.join('; ')}`);
  } finally {
    await browser.close();
    server.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}
