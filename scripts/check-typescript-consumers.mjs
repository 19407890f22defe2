// Part of `npm run check:package`: the packed package's types in one TypeScript program that has both
// kinds of importers, ES modules (.mts, .tsx) and CommonJS (.cts, a .tsx under "type": "commonjs"),
// as a Node app or a library that ships both builds has. Each importer kind resolves its own
// declarations (.d.ts or .d.cts); their global tag maps and JSX tags must merge, and an element typed
// by one must fit the other's type. Checked with skipLibCheck off, under nodenext and node16, by
// TypeScript 5.9 and 7.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const TSC_LIMIT_MS = 180_000; // one program with React's and Solid's types: 5-20 s on busy cores
const require = createRequire(import.meta.url);

/** The compilers: TypeScript 5.9 (tsc) and the native TypeScript 7 (tsgo), both devDependencies. */
function compilers() {
  return [
    { name: `tsc ${require('typescript/package.json').version}`, bin: require.resolve('typescript/bin/tsc') },
    {
      name: `tsgo ${require('@typescript/native-preview/package.json').version}`,
      bin: join(dirname(require.resolve('@typescript/native-preview/package.json')), 'bin/tsgo'),
    },
  ];
}

/**
 * Type-checks `work`/typescript (copied from scripts/package-consumer/typescript) where the packed
 * tarball, @types/react and solid-js are installed. Throws on the first failing configuration.
 */
export function checkTypeScriptConsumers(work) {
  for (const { name, bin } of compilers()) {
    for (const config of ['tsconfig.json', 'tsconfig.node16.json']) {
      const label = `${name} -p typescript/${config} (ES module and CommonJS importers in one program)`;
      console.log(`$ ${label}`);
      const result = spawnSync(process.execPath, [bin, '-p', join('typescript', config)], {
        cwd: work,
        stdio: 'inherit',
        timeout: TSC_LIMIT_MS,
        killSignal: 'SIGKILL',
      });
      if (result.error?.code === 'ETIMEDOUT' || result.signal) {
        throw new Error(`${label}: did not exit within ${TSC_LIMIT_MS / 1000} s`);
      }
      if (result.status !== 0) throw new Error(`${label}: exit code ${result.status}`);
    }
  }
}
