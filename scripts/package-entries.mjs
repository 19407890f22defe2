/** Subpath -> entry file: tsup.config.ts's `entry`, keyed by the package.json `exports` it builds. */
export const ENTRIES = {
  'taco-sync': 'sdk/index.ts',
  'taco-sync/presets': 'sdk/presets/index.ts',
  'taco-sync/elements': 'sdk/elements/index.ts',
  'taco-sync/solid': 'sdk/solid/index.ts',
  'taco-sync/react': 'sdk/react/index.ts',
  'taco-sync/contract': 'sdk/contract/index.ts',
};
