// What each consumer test does with the package: pure functions, a manager started signed out and
// stopped, and (where there is a DOM) the elements registered and created.
const assert = require('node:assert/strict');

/** A Storage stand-in over a Map. */
function memoryStorage() {
  const entries = new Map();
  return {
    get length() {
      return entries.size;
    },
    key: (i) => [...entries.keys()][i] ?? null,
    getItem: (k) => entries.get(k) ?? null,
    setItem: (k, v) => void entries.set(k, String(v)),
    removeItem: (k) => void entries.delete(k),
    clear: () => entries.clear(),
  };
}

exports.memoryStorage = memoryStorage;

exports.exerciseTacoSync = async function exerciseTacoSync(api) {
  assert.equal(api.canonicalJson({ b: '1', 10: 'x' }), '{"10":"x","b":"1"}');
  assert.deepEqual(api.canUseSync('tenure', ['taco_club']), { allowed: true });
  assert.equal(api.tenureAdapter(memoryStorage()).owns('tenure_prospect_profile'), true);
  const sync = api.createSync({
    app: 'jest-consumer',
    endpoint: 'http://127.0.0.1:9',
    getToken: async () => null, // signed out: no request
    adapter: api.keyPrefixAdapter({ prefixes: ['jest-'], storage: memoryStorage() }),
  });
  await sync.start().catch(() => {}); // no IndexedDB in these environments: start may report it
  sync.stop();
  assert.equal(sync.getState().status, 'idle');
  api.defineTacoSyncElements();
  if (typeof document !== 'undefined') {
    const badge = document.createElement('taco-sync-status');
    assert.ok(badge instanceof HTMLElement && typeof customElements.get('taco-sync-status') === 'function');
    badge.manager = sync;
    document.body.append(badge);
    badge.remove();
  }
};
