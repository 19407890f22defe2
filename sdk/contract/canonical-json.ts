import type { Snapshot } from './snapshot.js';

/**
 * Serialises a snapshot as RFC 8785 (JCS) canonical JSON.
 *
 * Entries are sorted by key in UTF-16 code unit order (the default `Array#sort` order), so
 * integer-like keys such as `"10"` sort as strings, unlike `JSON.stringify` of an object, which
 * puts them first.
 *
 * @example
 * canonicalJson({ b: '1', '10': 'x', a: '' }) // '{"10":"x","a":"","b":"1"}'
 */
export function canonicalJson(data: Snapshot): string {
  // The sorted keys as JSON.stringify's property list set the order in one native pass, without
  // a string per entry beside the result (the Worker's peak memory, docs/performance.md).
  return JSON.stringify(data, Object.keys(data).sort());
}

/** Number of UTF-8 bytes of a string, as stored and as counted in `meta.size`. */
export function utf8ByteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}
