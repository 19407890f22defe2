#!/usr/bin/env node
// `npm run size`: the size budget. Bundles what an app pays for `createSync` + `keyPrefixAdapter`
// (dependencies included, minified, browser ESM), gzips it and fails above the budget.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const BUDGET_BYTES = 6 * 1024;
const root = fileURLToPath(new URL('..', import.meta.url));

const result = await build({
  stdin: { contents: "export { createSync, keyPrefixAdapter } from './sdk/index.ts';", resolveDir: root, loader: 'ts' },
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'silent',
});
const code = result.outputFiles[0].contents;
const gzipped = gzipSync(code, { level: 9 }).byteLength;
const verdict = gzipped <= BUDGET_BYTES ? 'within' : 'OVER';
console.log(`createSync + keyPrefixAdapter: ${code.byteLength} B minified, ${gzipped} B min+gz (${verdict} the ${BUDGET_BYTES} B budget)`);
if (gzipped > BUDGET_BYTES) process.exit(1);
