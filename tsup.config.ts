import { rmSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

const shared: Options = {
  entry: {
    index: 'sdk/index.ts',
    contract: 'sdk/contract/index.ts',
    presets: 'sdk/presets/index.ts',
    elements: 'sdk/elements/index.ts',
    solid: 'sdk/solid/index.ts',
    react: 'sdk/react/index.ts',
  },
  dts: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'browser',
  treeshake: true,
};

// The two builds run in parallel, so neither may clean the other's output: the config cleans once.
rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true });

/**
 * The CommonJS build carries idb-keyval inside it (and carried the ESM-only nanoid 6 until device
 * ids became UUIDs): a
 * `require('taco-sync')` must work where `require` cannot load ES modules (Jest's module system,
 * Node before require(esm)). Bundlers and Node's `import` get the ESM build, which keeps it as a
 * dependency to share with the app.
 */
export default defineConfig([
  { ...shared, format: ['esm'] },
  { ...shared, format: ['cjs'], noExternal: ['idb-keyval'] },
]);
