import { describe, expect, it } from 'vitest';
import { canonicalJson, utf8ByteLength } from './canonical-json.js';
import { snapshotFromEntries } from './snapshot.js';
import { DEFAULT_MAX_STORED_BYTES, MAX_SNAPSHOT_KEYS, snapshotSizeProblem, storedSizeProblem } from './stored-size.js';

describe('the stored-size bounds both sides share', () => {
  it('leave a full push of the largest stored data room within the default 10 MiB body', () => {
    expect(DEFAULT_MAX_STORED_BYTES).toBe(10 * 1024 * 1024 - 4096);
  });

  it('accept canonical JSON of exactly the limit and refuse one byte more', () => {
    const exact = snapshotFromEntries([['k', 'v'.repeat(DEFAULT_MAX_STORED_BYTES - '{"k":""}'.length)]]);
    expect(utf8ByteLength(canonicalJson(exact))).toBe(DEFAULT_MAX_STORED_BYTES);
    expect(snapshotSizeProblem(exact)).toBeNull();
    expect(snapshotSizeProblem({ ...exact, k: `${exact.k}v` })).toMatch(/^This data is too large to sync: /);
  });

  it('count UTF-8 bytes with escapes, not characters', () => {
    const accented = snapshotFromEntries([['k', 'é'.repeat(600)]]);
    expect(snapshotSizeProblem(accented, 1000)).toBe(
      'This data is too large to sync: 1208 bytes, and the sync server keeps at most 1000 bytes.',
    );
    expect(snapshotSizeProblem(snapshotFromEntries([['k', '\u0000'.repeat(200)]]), 1000)).toContain('1208 bytes');
  });

  it('refuse one key more than the key cap, whatever the bytes', () => {
    const keys = snapshotFromEntries(Array.from({ length: MAX_SNAPSHOT_KEYS + 1 }, (_, i) => [String(i), ''] as const));
    expect(snapshotSizeProblem(keys)).toBe(
      `This data is too large to sync: ${MAX_SNAPSHOT_KEYS + 1} keys, and the sync server keeps at most ${MAX_SNAPSHOT_KEYS}.`,
    );
    expect(storedSizeProblem(MAX_SNAPSHOT_KEYS, 10)).toBeNull();
  });
});
