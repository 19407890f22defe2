// Jest, CommonJS: the package's `require` entries load and work in Jest's own module system (which
// cannot load ES modules), in the node and the jsdom environment alike.
const { canUseSync, createSync, keyPrefixAdapter } = require('taco-sync');
const { canonicalJson } = require('taco-sync/contract');
const { tenureAdapter } = require('taco-sync/presets');
const { defineTacoSyncElements } = require('taco-sync/elements');
const { exerciseTacoSync } = require('./exercise.cjs');

test('the CommonJS entries load under require and a manager starts and stops', async () => {
  await exerciseTacoSync({
    canUseSync,
    createSync,
    keyPrefixAdapter,
    canonicalJson,
    tenureAdapter,
    defineTacoSyncElements,
  });
});
