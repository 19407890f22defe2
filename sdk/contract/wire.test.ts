import { describe, expect, it } from 'vitest';
import { isValidAppName, isValidUserId } from './names.js';
import { isSnapshot } from './snapshot.js';
import { parsePushRequest } from './wire.js';

const valid = { data: { a: '1' }, version: 0, checksum: 'x', deviceId: 'dev_1', timestamp: '2026-11-25T10:00:00.000Z' };

describe('parsePushRequest', () => {
  it('accepts a well-formed body and ignores unknown fields', () => {
    const parsed = parsePushRequest({ ...valid, extra: true });
    expect(parsed).toEqual({ ok: true, value: valid });
  });

  it.each([
    ['a non-object body', []],
    ['data as an array', { ...valid, data: ['a'] }],
    ['a non-string value in data', { ...valid, data: { a: 1 } }],
    ['a nested object in data', { ...valid, data: { a: { b: 'c' } } }],
    ['a negative version', { ...valid, version: -1 }],
    ['a fractional version', { ...valid, version: 1.5 }],
    ['a string version', { ...valid, version: '1' }],
    ['a missing checksum', { ...valid, checksum: undefined }],
    ['a device id with a slash', { ...valid, deviceId: 'a/b' }],
    ['a missing timestamp', { ...valid, timestamp: undefined }],
    ['an unparsable timestamp', { ...valid, timestamp: 'yesterday-ish' }],
    ['a timestamp in a non-ISO format', { ...valid, timestamp: 'Mon, 01 Jan 2024 00:00:00 GMT' }],
    ['a timestamp without a time zone', { ...valid, timestamp: '2024-01-01T00:00:00' }],
    ['a timestamp with impossible fields', { ...valid, timestamp: '2024-13-45T99:99:99Z' }],
  ])('rejects %s', (_, body) => {
    expect(parsePushRequest(body).ok).toBe(false);
  });

  it.each(['2026-11-25T10:00:00.000Z', '2026-11-25T10:00:00Z', '2026-11-25T11:00:00+01:00', '2026-11-25T10:00Z'])(
    'accepts the ISO 8601 date-time %s',
    (timestamp) => {
      expect(parsePushRequest({ ...valid, timestamp }).ok).toBe(true);
    },
  );
});

describe('names', () => {
  it('accepts configured-style app names and rejects path-like ones', () => {
    expect(isValidAppName('tenure')).toBe(true);
    expect(isValidAppName('my-app_2')).toBe(true);
    expect(isValidAppName('Tenure')).toBe(false);
    expect(isValidAppName('../x')).toBe(false);
    expect(isValidAppName('a'.repeat(33))).toBe(false);
  });

  it('rejects user ids that could reach into another prefix', () => {
    expect(isValidUserId('alice@example.com')).toBe(true);
    expect(isValidUserId('auth0|123')).toBe(true);
    expect(isValidUserId('bob/tenure')).toBe(false);
    expect(isValidUserId('.')).toBe(false);
    expect(isValidUserId('..')).toBe(false);
    expect(isValidUserId('')).toBe(false);
    expect(isValidUserId('a'.repeat(129))).toBe(false);
  });
});

describe('isSnapshot', () => {
  it('accepts a parsed __proto__ key as data', () => {
    expect(isSnapshot(JSON.parse('{"__proto__":"x"}'))).toBe(true);
  });
  it('rejects class instances', () => {
    expect(isSnapshot(new Date())).toBe(false);
  });
  it('accepts a plain object made in another realm (Jest parses fetch responses outside the test context)', () => {
    // Another realm's Object.prototype: an object whose own prototype is null, as every realm's is.
    const otherRealmObjectPrototype = Object.create(null) as object;
    expect(isSnapshot(Object.assign(Object.create(otherRealmObjectPrototype) as object, { notes_text: 'hello' }))).toBe(
      true,
    );
  });
});
