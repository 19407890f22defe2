import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { applyPatch, patchBetween } from './push-patch.js';
import { snapshotFromEntries } from './snapshot.js';
import { isPushPatch } from './wire.js';

const snapshots = fc
  .dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', '10', 'a')), fc.string())
  .map((d) => snapshotFromEntries(Object.entries(d)));

describe('push patches', () => {
  it('applying the patch between two snapshots to the first gives exactly the second', () => {
    fc.assert(
      fc.property(snapshots, snapshots, (base, next) => {
        const patch = patchBetween(base, next);
        expect(isPushPatch(patch)).toBe(true);
        expect(canonicalJson(applyPatch(base, patch))).toBe(canonicalJson(next));
      }),
    );
  });

  it('holds only what changed: set keys, removed keys, nothing unchanged', () => {
    const base = snapshotFromEntries([
      ['keep', '1'],
      ['edit', '1'],
      ['gone', '1'],
    ]);
    const next = snapshotFromEntries([
      ['keep', '1'],
      ['edit', '2'],
      ['new', ''],
    ]);
    const patch = patchBetween(base, next);
    expect({ ...patch.set }).toEqual({ edit: '2', new: '' });
    expect(patch.remove).toEqual(['gone']);
  });

  it('refuses a patch that sets and removes one key', () => {
    expect(isPushPatch({ set: { a: '1' }, remove: ['a'] })).toBe(false);
    expect(isPushPatch({ set: {}, remove: ['a', 'a'] })).toBe(false);
  });
});
