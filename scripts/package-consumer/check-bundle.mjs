import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

// The bundle runs in any ES2022 runtime with WebCrypto; Node stands in for the browser here.
const code = readFileSync('out/browser.js', 'utf8');
assert.ok(!/\brequire\(/.test(code), 'browser bundle must not contain require()');
await import('./out/browser.js');
const result = await globalThis.tacoSyncCheck();
assert.deepEqual(result, {
  allowed: true,
  sum: '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  api: ['function', 'function', 'function'],
});
console.log(`browser bundle: ok (${code.length} bytes minified)`);
