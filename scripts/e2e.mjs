// `npm run test:e2e`: the end-to-end suite in Chromium, Firefox and WebKit, or in the engines named
// by `--engine` (repeatable, or comma-separated; `E2E_ENGINE` does the same). Other arguments go to
// vitest, e.g. `npm run test:e2e -- --engine webkit e2e/sync.e2e.ts`.
import { spawnSync } from 'node:child_process';
import { root } from './dev-server.mjs';
import { answerHelp } from './usage.mjs';

answerHelp(`usage: npm run test:e2e -- [--engine chromium|firefox|webkit]... [vitest arguments] [files]
  Runs the end-to-end suite (e2e/*.e2e.ts) in real browsers: all three engines, or those named by
  --engine (repeatable or comma-separated; E2E_ENGINE does the same). Other arguments go to
  \`vitest run -c vitest.e2e.config.ts\` (see \`npx vitest run --help\`).
  Example: npm run test:e2e -- --engine webkit e2e/sync.e2e.ts`);

const engines = [];
const rest = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--engine') engines.push(args[++i] ?? '');
  else if (arg.startsWith('--engine=')) engines.push(arg.slice('--engine='.length));
  else rest.push(arg);
}
const env = { ...process.env };
if (engines.length > 0) env.E2E_ENGINE = engines.join(',');
const run = spawnSync('npx', ['vitest', 'run', '-c', 'vitest.e2e.config.ts', ...rest], {
  cwd: root,
  stdio: 'inherit',
  env,
});
process.exit(run.status ?? 1);
