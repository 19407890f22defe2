import { describe, expect, it } from 'vitest';
import { canonicalJson, utf8ByteLength } from './canonical-json.js';
import { checksum, sha256Hex } from './checksum.js';
import { AWKWARD_SNAPSHOT, AWKWARD_CANONICAL, AWKWARD_CHECKSUM } from './awkward.fixture.js';
import { snapshotFromEntries } from './snapshot.js';

describe('canonicalJson', () => {
  it('sorts integer-like keys as strings, not first as JSON.stringify does', () => {
    const data = snapshotFromEntries([
      ['b', '1'],
      ['10', 'x'],
      ['9', 'y'],
      ['a', ''],
    ]);
    expect(JSON.stringify(data)).toBe('{"9":"y","10":"x","b":"1","a":""}');
    expect(canonicalJson(data)).toBe('{"10":"x","9":"y","a":"","b":"1"}');
  });

  it('sorts by UTF-16 code units, so an astral character sorts before U+FFFF-range BMP ones', () => {
    // U+1F600 is \uD83D\uDE00: its first code unit (0xD83D) is below U+FF01 (0xFF01).
    const data = snapshotFromEntries([
      ['\uFF01', 'bmp'],
      ['😀', 'astral'],
    ]);
    expect(canonicalJson(data)).toBe('{"😀":"astral","！":"bmp"}');
  });

  it('keeps __proto__ as an ordinary key', () => {
    const data = JSON.parse('{"__proto__":"p","a":"1"}') as Record<string, string>;
    expect(canonicalJson(data)).toBe('{"__proto__":"p","a":"1"}');
  });

  it('serialises the awkward fixture to the pinned bytes', () => {
    expect(canonicalJson(AWKWARD_SNAPSHOT)).toBe(AWKWARD_CANONICAL);
  });

  it('counts UTF-8 bytes, not UTF-16 code units', () => {
    expect(utf8ByteLength('😀')).toBe(4);
    expect(utf8ByteLength('é')).toBe(2);
  });
});

describe('checksum', () => {
  it('is the lowercase hex SHA-256 of the canonical JSON', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await checksum({})).toBe(await sha256Hex('{}'));
  });

  it('matches the pinned checksum of the awkward fixture', async () => {
    expect(await checksum(AWKWARD_SNAPSHOT)).toBe(AWKWARD_CHECKSUM);
  });

  it('does not depend on insertion order', async () => {
    const a = snapshotFromEntries([
      ['x', '1'],
      ['y', '2'],
    ]);
    const b = snapshotFromEntries([
      ['y', '2'],
      ['x', '1'],
    ]);
    expect(await checksum(a)).toBe(await checksum(b));
  });
});
