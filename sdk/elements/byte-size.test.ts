import { describe, expect, it } from 'vitest';
import { formatByteSize } from './byte-size.js';

describe('formatByteSize', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [812, '812 bytes'],
    [999, '999 bytes'],
    [1_000, '1 KB'],
    [3_420, '3.4 KB'],
    [9_960, '10 KB'],
    [52_400, '52 KB'],
    [1_250_000, '1.3 MB'],
    [5_000_000_000, '5 GB'],
  ])('says %i bytes is "%s"', (bytes, phrase) => {
    expect(formatByteSize(bytes)).toBe(phrase);
  });
});
