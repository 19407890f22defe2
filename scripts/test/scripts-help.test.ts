import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

// The project's own scripts (not the tools' passthroughs such as `test` or `build`, whose tools
// answer --help themselves).
const USER_SCRIPTS = ['dev', 'token', 'sim', 'bench', 'test:e2e', 'size', 'check:package', 'check:docs'];

describe('npm run SCRIPT -- --help', () => {
  it.each(USER_SCRIPTS)(
    '%s prints its usage and exits 0 without doing its work',
    async (script) => {
      const { stdout } = await run('npm', ['run', '-s', script, '--', '--help'], { cwd: root, timeout: 120_000 });
      expect(stdout).toMatch(new RegExp(`^usage: npm run ${script}\\b`, 'm'));
    },
    130_000,
  );
});
