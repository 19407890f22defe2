import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { snapshotFromEntries, type Snapshot } from '../contract/index.js';
import { threeWayMerge } from './three-way-merge.js';

const data = (entries: Record<string, string>): Snapshot => snapshotFromEntries(Object.entries(entries));
const plain = (snapshot: Snapshot): Record<string, string> => ({ ...snapshot });

describe('threeWayMerge', () => {
  it('takes a key from the side that changed it, whichever side that is', () => {
    const result = threeWayMerge(data({ a: '1', b: '1' }), data({ a: 'local', b: '1' }), data({ a: '1', b: 'server' }));
    expect(plain(result.merged)).toEqual({ a: 'local', b: 'server' });
    expect(result.collisions).toEqual([]);
  });

  it('keeps a removal made on one side and a key added on the other', () => {
    const result = threeWayMerge(data({ a: '1', b: '1' }), data({ b: '1', new: 'n' }), data({ a: '1' }));
    expect(plain(result.merged)).toEqual({ new: 'n' });
    expect(result.collisions).toEqual([]);
  });

  it('takes a value both sides changed to the same, and a key both removed stays removed', () => {
    const result = threeWayMerge(data({ a: '1', b: '1' }), data({ a: 'same' }), data({ a: 'same' }));
    expect(plain(result.merged)).toEqual({ a: 'same' });
    expect(result.collisions).toEqual([]);
  });

  it('names a key both sides changed differently as a collision, a removal against an edit included', () => {
    const base = data({ a: '1', b: '1', c: '1' });
    const result = threeWayMerge(base, data({ a: 'local', b: 'local', c: '1' }), data({ a: 'server', c: 'server' }));
    expect(result.collisions).toEqual(['a', 'b']);
    expect(plain(result.merged)).toEqual({ a: 'local', b: 'local', c: 'server' });
  });

  it('names a key both sides added with different values as a collision', () => {
    expect(threeWayMerge(data({}), data({ k: 'x' }), data({ k: 'y' })).collisions).toEqual(['k']);
  });

  it('gives collisions the server side when preferred, and keeps the other merged keys', () => {
    const result = threeWayMerge(
      data({ a: '1', b: '1', c: '1' }),
      data({ a: 'local', b: 'mine' }),
      data({ a: 'server', b: '1', c: '1' }),
      'server',
    );
    expect(plain(result.merged)).toEqual({ a: 'server', b: 'mine' });
    expect(result.collisions).toEqual(['a']);
  });

  it('handles keys such as __proto__ and "10" as ordinary keys', () => {
    const result = threeWayMerge(data({}), snapshotFromEntries([['__proto__', 'p']]), data({ '10': 'ten' }));
    expect(Object.entries(result.merged).sort()).toEqual([
      ['10', 'ten'],
      ['__proto__', 'p'],
    ]);
  });

  describe('properties', () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd', '__proto__');
    const snapshot = fc.dictionary(key, fc.constantFrom('0', '1', '2'), { noNullPrototype: false }).map((d) => data(d));
    const side = (base: Snapshot, edits: Record<string, string | null>): Snapshot =>
      data(
        Object.fromEntries(
          [...Object.entries(base), ...Object.entries(edits)].filter(
            (entry): entry is [string, string] =>
              entry[1] !== null && !(Object.hasOwn(edits, entry[0]) && edits[entry[0]] === null),
          ),
        ),
      );
    const editsOf = fc.dictionary(key, fc.option(fc.constantFrom('0', '1', '2', '3'), { nil: null }));

    it('keeps every edit of a side whose keys the other side left alone, and names no collision', () => {
      fc.assert(
        fc.property(snapshot, editsOf, editsOf, (base, localEdits, serverEdits) => {
          const serverOnly = Object.fromEntries(
            Object.entries(serverEdits).filter(([k]) => !Object.hasOwn(localEdits, k)),
          );
          const local = side(base, localEdits);
          const server = side(base, serverOnly);
          const { merged, collisions } = threeWayMerge(base, local, server);
          expect(collisions).toEqual([]);
          for (const k of Object.keys(localEdits)) expect(merged[k]).toBe(local[k]);
          for (const k of Object.keys(serverOnly)) expect(merged[k]).toBe(server[k]);
        }),
      );
    });

    it('merges to one side when the other is the base, and is symmetric up to which side a collision takes', () => {
      fc.assert(
        fc.property(snapshot, snapshot, snapshot, (base, local, server) => {
          expect(plain(threeWayMerge(base, base, server).merged)).toEqual(plain(server));
          expect(plain(threeWayMerge(base, local, base).merged)).toEqual(plain(local));
          const forward = threeWayMerge(base, local, server, 'local');
          const backward = threeWayMerge(base, server, local, 'server');
          expect(plain(forward.merged)).toEqual(plain(backward.merged));
          expect(forward.collisions).toEqual(backward.collisions);
        }),
      );
    });

    it('names exactly the keys both sides changed to different values', () => {
      fc.assert(
        fc.property(snapshot, snapshot, snapshot, (base, local, server) => {
          const at = (d: Snapshot, k: string): string | undefined => (Object.hasOwn(d, k) ? d[k] : undefined);
          const keys = new Set([...Object.keys(base), ...Object.keys(local), ...Object.keys(server)]);
          const expected = [...keys]
            .filter(
              (k) => at(local, k) !== at(base, k) && at(server, k) !== at(base, k) && at(local, k) !== at(server, k),
            )
            .sort();
          expect(threeWayMerge(base, local, server).collisions).toEqual(expected);
        }),
      );
    });
  });
});
