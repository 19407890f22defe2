const assert = require('node:assert/strict');
const { canUseSync, checksum, createSync } = require('taco-sync');
const { canonicalJson } = require('taco-sync/contract');
const { tempoAdapter } = require('taco-sync/presets');

assert.equal(canonicalJson({ b: '1', 10: 'x' }), '{"10":"x","b":"1"}');
assert.equal(canUseSync('tempo', ['sync_tenure']).allowed, false);
assert.equal(typeof createSync, 'function');
assert.equal(tempoAdapter({ length: 0, key: () => null }).owns('session-today'), true);
checksum({}).then((sum) => {
  assert.equal(sum, '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  console.log('cjs consumer: ok');
});
