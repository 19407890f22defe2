#!/usr/bin/env node
// The package as users get it: build, lint the manifest (publint --strict), check the types
// resolve for every subpath (attw), then install the packed tarball into a throwaway consumer and
// use it from a Node ESM script, a CJS require, a TypeScript program with both and an esbuild
// browser bundle. Any problem exits 1.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCommonJsConsumers } from './check-commonjs-consumers.mjs';
import { checkTypeScriptConsumers } from './check-typescript-consumers.mjs';
import { answerHelp } from './usage.mjs';

answerHelp(`usage: npm run check:package
  Builds the package, lints the manifest (publint --strict) and its types (attw), packs it and uses
  the tarball from Node ESM, CommonJS (Node 20 and this Node), Jest (CommonJS and ES modules, node
  and jsdom), one TypeScript program with ES module and CommonJS importers (TypeScript 5.9 and 7,
  nodenext and node16, skipLibCheck off), an esbuild browser bundle and Chromium. Exits 1 at the first problem. No options.`);

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args, cwd = root) => {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd, stdio: 'inherit' });
};

run('npm', ['run', '-s', 'build']); // tsup, then scripts/public-declarations.mjs
run('npx', ['publint', '--strict']);
// node16 profile: node10 resolution ignores `exports`, so subpaths such as `taco-sync/presets`
// cannot resolve there by design; we support TypeScript's bundler/node16/nodenext resolution.
run('npx', ['attw', '--pack', '.', '--profile', 'node16']);

const work = mkdtempSync(join(tmpdir(), 'taco-sync-consumer-'));
try {
  run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', work]); // dist/ is built above
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  cpSync(join(root, 'scripts/package-consumer'), work, { recursive: true });
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // @types/react and solid-js for the TypeScript program: linked from this repo's node_modules.
  const typesFor = ['@types/react', 'solid-js'].map((name) => join(root, 'node_modules', name));
  run('npm', ['install', '--no-audit', '--no-fund', '--silent', join(work, tarball), ...typesFor], work);
  run('node', ['esm.mjs'], work);
  run('node', ['cjs.cjs'], work);
  checkCommonJsConsumers(work);
  checkTypeScriptConsumers(work);
  run(
    join(root, 'node_modules/.bin/esbuild'),
    [
      'browser.js',
      '--bundle',
      '--format=esm',
      '--platform=browser',
      '--minify',
      '--outfile=out/browser.js',
      '--log-level=warning',
    ],
    work,
  );
  run('node', ['check-bundle.mjs'], work);
  await checkBundleInChromium(join(work, 'out/browser.js'));
  console.log('check-package: ok');
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Runs the consumer's browser bundle in Debian's Chromium (skipped, and said so, when it is absent). */
async function checkBundleInChromium(bundlePath) {
  const { CHROMIUM_ARGS, CHROMIUM_PATH } = await import('../e2e/support/chromium-config.mjs');
  if (!existsSync(CHROMIUM_PATH)) {
    console.log(`browser bundle in Chromium: skipped (${CHROMIUM_PATH} not installed)`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const code = readFileSync(bundlePath, 'utf8');
    // 127.0.0.1 is a secure context, so crypto.subtle and IndexedDB are there as on a real site.
    await page.route('http://127.0.0.1:9/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><script type="module" src="/app.js"></script>' }),
    );
    await page.route('http://127.0.0.1:9/app.js', (route) =>
      route.fulfill({ contentType: 'text/javascript', body: code }),
    );
    await page.goto('http://127.0.0.1:9/');
    await page.waitForFunction(() => typeof globalThis.tacoSyncCheck === 'function');
    const result = await page.evaluate(() => globalThis.tacoSyncCheck());
    if (
      result.sum !== '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a' ||
      !result.allowed ||
      result.api.join() !== 'function,function,function'
    ) {
      throw new Error(`browser bundle misbehaved in Chromium: ${JSON.stringify(result)}`);
    }
    console.log('browser bundle in Chromium: ok');
  } finally {
    await browser.close();
  }
}
