import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'sdk/index.ts',
    contract: 'sdk/contract/index.ts',
    presets: 'sdk/presets/index.ts',
    elements: 'sdk/elements/index.ts',
    solid: 'sdk/solid/index.ts',
    react: 'sdk/react/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'browser',
  treeshake: true,
});
