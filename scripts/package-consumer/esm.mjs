import assert from 'node:assert/strict';
import { canUseSync, checksum, createSync, keyPrefixAdapter } from 'taco-sync';
import { canonicalJson } from 'taco-sync/contract';
import { defineTacoSyncElements } from 'taco-sync/elements';
import { tenureAdapter } from 'taco-sync/presets';
import { memoryStorage } from './jest/exercise.cjs';

assert.equal(canonicalJson({ b: '1', 10: 'x' }), '{"10":"x","b":"1"}');
assert.equal(await checksum({}), '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
assert.deepEqual(canUseSync('tenure', ['taco_club']), { allowed: true });
assert.equal(typeof createSync, 'function');
assert.equal(typeof keyPrefixAdapter, 'function');

// A Storage stand-in: the presets collect only their own keys.
const entries = new Map([
  ['tenure_prospect_profile', 'p'],
  ['tenure_prosper_goal', 'g'],
  ['other', 'x'],
]);
const storage = memoryStorage();
for (const [key, value] of entries) storage.setItem(key, value);
assert.deepEqual(
  { ...(await tenureAdapter(storage).collect()) },
  { tenure_prospect_profile: 'p', tenure_prosper_goal: 'g' },
);
// Without a DOM, registering the elements is a no-op rather than a crash.
defineTacoSyncElements();
console.log('esm consumer: ok');
