#!/usr/bin/env node
// The package as users get it: build, lint the manifest (publint --strict), check the types
// resolve for every subpath (attw), then install the packed tarball into a throwaway consumer and
// use it from a Node ESM script, a CJS require and an esbuild browser bundle. Any problem exits 1.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args, cwd = root) => {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd, stdio: 'inherit' });
};

run('npx', ['tsup', '--silent']);
run('npx', ['publint', '--strict']);
// node16 profile: node10 resolution ignores `exports`, so subpaths such as `taco-sync/presets`
// cannot resolve there by design; we support TypeScript's bundler/node16/nodenext resolution.
run('npx', ['attw', '--pack', '.', '--profile', 'node16']);

const work = mkdtempSync(join(tmpdir(), 'taco-sync-consumer-'));
try {
  run('npm', ['pack', '--silent', '--pack-destination', work]);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  cpSync(join(root, 'scripts/package-consumer'), work, { recursive: true });
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--silent', join(work, tarball)], work);
  run('node', ['esm.mjs'], work);
  run('node', ['cjs.cjs'], work);
  run(join(root, 'node_modules/.bin/esbuild'), ['browser.js', '--bundle', '--format=esm', '--platform=browser',
    '--minify', '--outfile=out/browser.js', '--log-level=warning'], work);
  run('node', ['check-bundle.mjs'], work);
  console.log('check-package: ok');
} finally {
  rmSync(work, { recursive: true, force: true });
}
