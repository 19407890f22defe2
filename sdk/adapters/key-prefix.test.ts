import { afterEach, describe, expect, it } from 'vitest';
import { snapshotFromEntries } from '../contract/index.js';
import { AWKWARD_SNAPSHOT } from '../contract/awkward.fixture.js';
import { ApplyError, StorageQuotaError } from '../core/errors.js';
import { MemoryStorage, QuotaStorage } from '../test-support/memory-storage.js';
import { keyPrefixAdapter } from './key-prefix.js';

const seeded = (storage: MemoryStorage, entries: Record<string, string>): MemoryStorage => {
  for (const [key, value] of Object.entries(entries)) storage.setItem(key, value);
  return storage;
};

describe('keyPrefixAdapter', () => {
  const seen: StorageEvent[] = [];
  const record = (event: StorageEvent): void => void seen.push(event);
  window.addEventListener('storage', record);
  afterEach(() => void (seen.length = 0));

  it('collects exactly the listed keys and the keys under its prefixes', () => {
    const storage = seeded(new MemoryStorage(), { a: '1', p_x: '2', p_y: '3', other: '4', pa: '5' });
    const snapshot = keyPrefixAdapter({ keys: ['a', 'missing'], prefixes: ['p_'], storage }).collect();
    expect({ ...snapshot }).toEqual({ a: '1', p_x: '2', p_y: '3' });
  });

  it('owns listed keys and prefixed keys only', () => {
    const adapter = keyPrefixAdapter({ keys: ['a'], prefixes: ['p_'], storage: new MemoryStorage() });
    expect([adapter.owns('a'), adapter.owns('p_1'), adapter.owns('b'), adapter.owns('ap_')]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('applies a snapshot: sets differing keys, removes owned keys it lacks, leaves other keys alone', () => {
    const storage = seeded(new MemoryStorage(), { a: 'old', p_gone: 'x', p_same: 's', other: 'keep' });
    keyPrefixAdapter({ keys: ['a'], prefixes: ['p_'], storage }).apply(
      snapshotFromEntries([
        ['a', 'new'],
        ['p_same', 's'],
        ['p_new', 'n'],
      ]),
    );
    expect(storage.dump()).toEqual([
      ['a', 'new'],
      ['other', 'keep'],
      ['p_new', 'n'],
      ['p_same', 's'],
    ]);
  });

  it('dispatches one storage event per changed key with old and new values', () => {
    const storage = seeded(new MemoryStorage(), { a: 'old', p_gone: 'x', p_same: 's' });
    keyPrefixAdapter({ keys: ['a'], prefixes: ['p_'], storage }).apply(
      snapshotFromEntries([
        ['a', 'new'],
        ['p_same', 's'],
      ]),
    );
    const events = seen.map((e) => [e.key, e.oldValue, e.newValue, e.storageArea === storage]);
    expect(events.sort()).toEqual([
      ['a', 'old', 'new', true],
      ['p_gone', 'x', null, true],
    ]);
  });

  it('rolls every key back when a write hits the quota, leaving the store exactly as it was', () => {
    const storage = new QuotaStorage(100);
    seeded(storage, { k1: 'a', k2: 'b', k3: 'c', k4: 'd' });
    const before = storage.dump();
    const adapter = keyPrefixAdapter({ prefixes: ['k'], storage });
    const incoming = snapshotFromEntries([
      ['k1', 'A'],
      ['k2', 'B'],
      ['k3', 'c'],
      ['k4', 'd'],
      ['k5', 'E'],
      ['k6', 'F'],
    ]);
    storage.writesLeft = 2;
    expect(() => adapter.apply(incoming)).toThrow(StorageQuotaError);
    expect(storage.dump()).toEqual(before);
    expect(seen).toEqual([]);
  });

  it('reports a failure that is not about the quota as an ApplyError', () => {
    const storage = new MemoryStorage();
    storage.setItem = () => {
      throw new Error('disk on fire');
    };
    const error = (() => {
      try {
        keyPrefixAdapter({ keys: ['a'], storage }).apply(snapshotFromEntries([['a', '1']]));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ApplyError);
    expect(error).not.toBeInstanceOf(StorageQuotaError);
  });

  it('round-trips awkward keys (__proto__, "10", emoji) unchanged', () => {
    const storage = new MemoryStorage();
    const adapter = keyPrefixAdapter({ keys: Object.keys(AWKWARD_SNAPSHOT), storage });
    adapter.apply(AWKWARD_SNAPSHOT);
    const collected = adapter.collect();
    expect(Object.getPrototypeOf(collected)).toBeNull();
    expect(Object.entries(collected).sort()).toEqual(Object.entries(AWKWARD_SNAPSHOT).sort());
  });

  it('uses localStorage when no storage is given', () => {
    localStorage.setItem('ls_key', 'v');
    expect({ ...keyPrefixAdapter({ keys: ['ls_key'] }).collect() }).toEqual({ ls_key: 'v' });
    localStorage.removeItem('ls_key');
  });
});
