// @vitest-environment node
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A server render, a script or a test runner that makes managers must be able to end: nothing the
// SDK opens (the BroadcastChannel between tabs above all) may hold Node's event loop after stop().
const sdkEntry = fileURLToPath(new URL('../index.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'taco-exit-'));
const EXIT_LIMIT_MS = 20_000; // generous: the child only has to notice it has nothing left to do

beforeAll(async () => {
  await build({
    entryPoints: [sdkEntry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: join(dir, 'sdk.mjs'),
    logLevel: 'warning',
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `body` in a fresh Node process after importing the SDK; resolves with how it ended. */
function runInNode(body: string): Promise<{ exited: boolean; code: number | null; output: string }> {
  const script = join(dir, `script-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(script, `import * as taco from './sdk.mjs';\n${body}\nconsole.log('script done');\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ exited: false, code: null, output });
    }, EXIT_LIMIT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ exited: true, code, output });
    });
  });
}

// Signed out (no token): start() makes no request, so the child needs no server.
const MANAGER = `(app) => taco.createSync({ app, endpoint: 'http://127.0.0.1:9', getToken: async () => null,
  adapter: taco.keyPrefixAdapter({ prefixes: ['exit-'], storage: { length: 0, key: () => null, getItem: () => null,
  setItem() {}, removeItem() {}, clear() {} } }) })`;

describe('a Node process that uses the SDK', () => {
  it(
    'exits by itself after creating, starting and stopping managers',
    async () => {
      const result = await runInNode(`
      const make = ${MANAGER};
      const managers = [make('exit-a'), make('exit-a'), make('exit-b')];
      for (const sync of managers) await sync.start().catch(() => {});
      for (const sync of managers) sync.stop();
      make('exit-c'); // created and never started
    `);
      expect(result).toMatchObject({ exited: true, code: 0 });
      expect(result.output).toContain('script done');
    },
    EXIT_LIMIT_MS + 10_000,
  );

  it(
    'exits by itself after forget(), which tells the other tabs once stopped',
    async () => {
      const result = await runInNode(`
      const sync = (${MANAGER})('exit-forget');
      await sync.start().catch(() => {});
      await sync.forget().catch(() => {});
    `);
      expect(result).toMatchObject({ exited: true, code: 0 });
    },
    EXIT_LIMIT_MS + 10_000,
  );

  it(
    'exits by itself even when a started manager is never stopped',
    async () => {
      const result = await runInNode(`
      await (${MANAGER})('exit-running').start().catch(() => {});
    `);
      expect(result).toMatchObject({ exited: true, code: 0 });
    },
    EXIT_LIMIT_MS + 10_000,
  );
});
