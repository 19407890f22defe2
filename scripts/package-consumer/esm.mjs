import assert from 'node:assert/strict';
import { canUseSync, checksum } from 'taco-sync';
import { canonicalJson } from 'taco-sync/contract';

assert.equal(canonicalJson({ b: '1', 10: 'x' }), '{"10":"x","b":"1"}');
assert.equal(await checksum({}), '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
assert.deepEqual(canUseSync('tenure', ['taco_club']), { allowed: true });
console.log('esm consumer: ok');
