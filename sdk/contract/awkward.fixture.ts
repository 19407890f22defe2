import { snapshotFromEntries } from './snapshot.js';

/**
 * Keys and values that trip naive serialisers: integer-like keys, `__proto__`, empty strings,
 * non-BMP characters, escapes. Shared by the SDK and the Worker tests so both sides are held to
 * the same pinned bytes.
 */
export const AWKWARD_SNAPSHOT = snapshotFromEntries([
  ['b', 'plain'],
  ['10', 'ten'],
  ['9', 'nine'],
  ['__proto__', '{"polluted":true}'],
  ['', 'empty key'],
  ['empty value', ''],
  ['emoji 😀', '🌮 taco'],
  ['𝄞 clef', 'music'],
  ['é', 'quote " backslash \\ newline \n tab \t nul \u0000'],
  ['constructor', 'c'],
]);

/** The canonical JSON of {@link AWKWARD_SNAPSHOT}, written out by hand. */
export const AWKWARD_CANONICAL =
  '{"":"empty key","10":"ten","9":"nine","__proto__":"{\\"polluted\\":true}","b":"plain",' +
  '"constructor":"c","emoji 😀":"🌮 taco","empty value":"",' +
  '"é":"quote \\" backslash \\\\ newline \\n tab \\t nul \\u0000","𝄞 clef":"music"}';

/** SHA-256 of {@link AWKWARD_CANONICAL}, computed outside the code under test (Node's crypto). */
export const AWKWARD_CHECKSUM = '53e26b258ff2f3536c170531f28e194a166c463588e03c9f33e2e65baf8e42b5';
