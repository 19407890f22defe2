// Jest, ES modules (--experimental-vm-modules): the `import` entries load and work.
import { canUseSync, createSync, keyPrefixAdapter } from 'taco-sync';
import { canonicalJson } from 'taco-sync/contract';
import { defineTacoSyncElements } from 'taco-sync/elements';
import { tenureAdapter } from 'taco-sync/presets';
import { createRequire } from 'node:module';

const { exerciseTacoSync } = createRequire(import.meta.url)('./exercise.cjs');

test('the ES module entries load under import and a manager starts and stops', async () => {
  await exerciseTacoSync({
    canUseSync,
    createSync,
    keyPrefixAdapter,
    canonicalJson,
    tenureAdapter,
    defineTacoSyncElements,
  });
});
