#!/usr/bin/env node
// `npm run dev`: build the SDK, copy its ESM build next to the example pages (so they import it
// exactly as an app would), then run the Worker under `wrangler dev` with a local R2 persisted in
// .wrangler/state, serving examples/ as static assets. Dev only: `--assets` is a CLI flag here,
// so a production deploy serves no example pages.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = process.env.PORT ?? '8787';

const build = spawnSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
rmSync(`${root}/examples/vendor`, { recursive: true, force: true });
mkdirSync(`${root}/examples/vendor`, { recursive: true });
cpSync(`${root}/dist`, `${root}/examples/vendor/taco-sync`, { recursive: true, filter: (f) => !f.endsWith('.cjs') && !f.endsWith('.d.cts') });

const args = ['wrangler', 'dev', '-c', 'worker/wrangler.toml', '--ip', '127.0.0.1', '--port', port,
  '--persist-to', '.wrangler/state', '--assets', 'examples', ...process.argv.slice(2)];
const child = spawn('npx', args, {
  cwd: root,
  stdio: 'inherit',
  env: { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', ...process.env },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
