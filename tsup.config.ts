import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'sdk/index.ts',
    contract: 'sdk/contract/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'browser',
  treeshake: true,
});
