import { describe, expect, it } from 'vitest';
import { applyPatch, canonicalJson, snapshotFromEntries } from '../../sdk/contract/index.js';
import { patchInPlace } from '../src/patch-in-place.js';

describe('patchInPlace', () => {
  it('gives what applyPatch gives, removing, changing and adding keys', () => {
    const base = (): Record<string, string> =>
      JSON.parse('{"a":"1","b":"2","10":"ten","c":"3"}') as Record<string, string>;
    const patch = {
      set: snapshotFromEntries([
        ['a', 'one'],
        ['d', '4'],
      ]),
      remove: ['b', 'missing'],
    };
    expect(canonicalJson(patchInPlace(base(), patch))).toBe(canonicalJson(applyPatch(base(), patch)));
    expect(canonicalJson(patchInPlace(base(), patch))).toBe('{"10":"ten","a":"one","c":"3","d":"4"}');
  });

  it('changes the base it is given instead of copying it', () => {
    const base = snapshotFromEntries([['a', '1']]);
    expect(patchInPlace(base, { set: snapshotFromEntries([['b', '2']]), remove: ['a'] })).toBe(base);
    expect(Object.keys(base)).toEqual(['b']);
  });

  it('sets and removes __proto__ as an ordinary key of a parsed base', () => {
    const parsed = JSON.parse('{"__proto__":"old","x":"1"}') as Record<string, string>;
    const set = patchInPlace(parsed, { set: snapshotFromEntries([['__proto__', 'new']]), remove: [] });
    expect(canonicalJson(set)).toBe('{"__proto__":"new","x":"1"}');
    const removed = patchInPlace(set, { set: snapshotFromEntries([]), remove: ['__proto__'] });
    expect(canonicalJson(removed)).toBe('{"x":"1"}');
  });
});
