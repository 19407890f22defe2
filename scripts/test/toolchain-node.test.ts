import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The machines ship Node 20; the tools need >= 22.18. The `node` devDependency brings Node from the
// npm registry and npm puts node_modules/.bin first on PATH, so every `npm run`/`npm test`/`npx`
// runs on it whatever Node started npm. These tests prove that from inside the run.
const root = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};
const projectNode = `v${manifest.devDependencies['node']}`;

const scratch = mkdtempSync(join(tmpdir(), 'taco-toolchain-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `npx --no TOOL ARGS` with a preload that records which Node each process of the tool runs on. */
function nodeVersionsOf(tool: string, args: string[]): string[] {
  const log = join(scratch, `${tool}.log`);
  const preload = join(scratch, 'record-version.cjs');
  writeFileSync(preload, `require('node:fs').appendFileSync(${JSON.stringify(log)}, process.version + '\\n');`);
  writeFileSync(log, '');
  execFileSync('npx', ['--no', tool, ...args], {
    cwd: root,
    stdio: 'ignore',
    timeout: 120_000,
    env: { ...process.env, NODE_OPTIONS: `--require ${preload}`, WRANGLER_SEND_METRICS: 'false' },
  });
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

describe('the project toolchain', () => {
  it('runs the tests on the Node of the node devDependency, not the one that started npm', () => {
    console.log(`tests run on Node ${process.version} (${process.execPath})`);
    expect(process.version).toBe(projectNode);
  });

  it.each([
    ['tsc', ['--version']],
    ['tsup', ['--version']],
    ['wrangler', ['--version']],
    ['vitest', ['--version']],
    ['node', ['-e', '0']],
  ])(
    'runs npx %s on that Node too',
    (tool, args) => {
      const versions = nodeVersionsOf(tool, args);
      expect(versions.length).toBeGreaterThan(0);
      expect(new Set(versions)).toEqual(new Set([projectNode]));
    },
    130_000,
  );

  it('runs esbuild, a native binary, from node_modules', () => {
    const version = execFileSync('npx', ['--no', 'esbuild', '--version'], { cwd: root, encoding: 'utf8' }).trim();
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
