// Part of `npm run check:package`: the packed package where `require` is used. Its CommonJS entries
// load under `require` in the machines' own Node 20 and in the project's Node 24, and in Jest
// (CommonJS and ES modules, node and jsdom environments); every Jest run exits by itself (no
// --forceExit: an open handle such as a BroadcastChannel would keep it running).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const JEST_LIMIT_MS = 120_000; // a Jest start on two busy cores takes 5-20 s; hanging means a handle
const require = createRequire(import.meta.url);

/** The machines' Node 20 (the default PATH's), if this machine has one; null elsewhere. */
function machineNode20() {
  for (const candidate of [process.env.TACO_NODE20, '/usr/local/bin/node', '/usr/bin/node']) {
    if (!candidate || !existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (version.startsWith('v20.')) return candidate;
  }
  return null;
}

function run(label, cmd, args, cwd, timeout) {
  console.log(`$ ${label}`);
  const result = spawnSync(cmd, args, { cwd, stdio: 'inherit', timeout, killSignal: 'SIGKILL' });
  if (result.error?.code === 'ETIMEDOUT' || result.signal)
    throw new Error(`${label}: did not exit within ${timeout / 1000} s`);
  if (result.status !== 0) throw new Error(`${label}: exit code ${result.status}`);
}

/** Runs the consumer checks in `work`, where the packed tarball is installed. */
export function checkCommonJsConsumers(work) {
  const node20 = machineNode20();
  if (node20) run(`${node20} cjs.cjs (Node 20)`, node20, ['cjs.cjs'], work, 60_000);
  else console.log('require in Node 20: skipped (no Node 20 at /usr/local/bin/node or /usr/bin/node; set TACO_NODE20)');
  run(`node cjs.cjs (${process.version})`, process.execPath, ['cjs.cjs'], work, 60_000);

  const jest = require.resolve('jest/bin/jest');
  for (const environment of ['node', 'jsdom']) {
    const config = JSON.stringify({
      rootDir: join(work, 'jest'),
      testEnvironment: environment === 'jsdom' ? require.resolve('jest-environment-jsdom') : 'node',
      transform: {},
      testMatch: ['**/*.test.cjs', '**/*.test.mjs'],
      moduleFileExtensions: ['js', 'cjs', 'mjs', 'json'],
      cache: false,
    });
    const label = `jest (CommonJS and ES modules, ${environment} environment)`;
    run(
      label,
      process.execPath,
      ['--experimental-vm-modules', '--no-warnings', jest, '--config', config, '--ci'],
      work,
      JEST_LIMIT_MS,
    );
  }
}
