import { describe, expect, it } from 'vitest';
import { DEVICE_NAME_MAX_LENGTH, type VersionRecord } from '../../sdk/contract/index.js';
import {
  commitMetadata,
  CUSTOM_METADATA_BUDGET_BYTES,
  KEPT_BEFORE_MAX,
  keptBeforeFromMetadata,
  metadataBytes,
  recordFromMetadata,
  recordMetadata,
} from '../src/record-metadata.js';
import { call, json, newUser, push, snap, tokenFor } from './helpers.js';

const LONGEST_DEVICE_ID = 'd'.repeat(64);
const CHECKSUM = 'f'.repeat(64);

/** Records as large as the contract allows: 16-digit numbers, 64-character device ids and names. */
function largestRecords(deviceName: string | undefined): VersionRecord[] {
  return Array.from({ length: KEPT_BEFORE_MAX + 1 }, (_, i) => ({
    version: Number.MAX_SAFE_INTEGER - KEPT_BEFORE_MAX + i,
    checksum: CHECKSUM,
    deviceId: LONGEST_DEVICE_ID,
    lastModified: new Date(Date.UTC(2026, 10, 29, 12, 0, 0, 999)).toISOString(),
    size: Number.MAX_SAFE_INTEGER,
    ...(deviceName === undefined ? {} : { deviceName }),
  }));
}

const commitOf = (records: VersionRecord[]) => commitMetadata(records.at(-1)!, records.slice(0, -1));

describe("current.json metadata: the kept versions' records within R2's 2 KiB", () => {
  it.each([
    ['no device names', undefined],
    ['64-character ASCII device names', 'n'.repeat(DEVICE_NAME_MAX_LENGTH)],
    ['64 three-byte characters (the most UTF-8 bytes a 64-unit name can take)', '中'.repeat(DEVICE_NAME_MAX_LENGTH)],
    ['64 unpaired surrogates (3 UTF-8 bytes each once encoded)', '\uD800'.repeat(DEVICE_NAME_MAX_LENGTH)],
  ])('fits 5 records with %s, 64-character device ids and 16-digit numbers', (_, deviceName) => {
    expect(metadataBytes(commitOf(largestRecords(deviceName)))).toBeLessThanOrEqual(CUSTOM_METADATA_BUDGET_BYTES);
  });

  it('counts UTF-8 bytes of keys and values, and two bytes per character for non-Latin-1 strings', () => {
    expect(metadataBytes({ ab: 'cd' })).toBe(4);
    expect(metadataBytes({ n: 'é' })).toBe(3);
    expect(metadataBytes({ n: '中中' })).toBe(7);
    expect(metadataBytes({ n: '😀' })).toBe(5);
  });

  it('reads back exactly the records it wrote, names with spaces, quotes and emoji included', () => {
    const records = largestRecords(undefined).map((record, i) => ({
      ...record,
      version: i + 1,
      size: i * 1000,
      deviceId: `device-${i}`,
    }));
    records[1] = { ...records[1]!, deviceName: 'Chrome on "Linux" ' };
    records[2] = { ...records[2]!, deviceName: '😀 iPad' };
    records[4] = { ...records[4]!, deviceName: 'Téléphone de Zoë' };
    const metadata = commitOf(records);
    expect(recordFromMetadata('current.json', metadata)).toEqual(records.at(-1));
    expect(keptBeforeFromMetadata('current.json', metadata)).toEqual(records.slice(0, -1));
  });

  it('tells an object of an older release, which lists no kept versions, from one that lists none', () => {
    const [record] = largestRecords(undefined);
    expect(keptBeforeFromMetadata('current.json', recordMetadata(record!))).toBeNull();
    expect(keptBeforeFromMetadata('current.json', commitMetadata(record!, []))).toEqual([]);
  });

  it.each([
    ['a count out of range', { kept: '5' }],
    ['a missing entry', { kept: '1' }],
    ['an entry with a field missing', { kept: '1', kept1: `1 2026-11-29T12:00:00.000Z 10 ${CHECKSUM}` }],
    ['an entry with a bad checksum', { kept: '1', kept1: `1 2026-11-29T12:00:00.000Z 10 xyz device-a` }],
  ])('refuses a list with %s', (_, list) => {
    expect(() =>
      keptBeforeFromMetadata('current.json', { ...recordMetadata(largestRecords(undefined)[0]!), ...list }),
    ).toThrow(/current\.json/);
  });

  it('stores the largest records through real pushes and answers them in meta', async () => {
    const token = await tokenFor(newUser());
    const nameOf = (version: number): string =>
      version % 2 ? '中'.repeat(DEVICE_NAME_MAX_LENGTH) : '😀'.repeat(DEVICE_NAME_MAX_LENGTH / 2);
    for (let v = 0; v < 7; v++)
      expect((await push(token, 'tenure', snap({ v: String(v) }), v, LONGEST_DEVICE_ID, nameOf(v + 1))).status).toBe(
        200,
      );
    const meta = await json(await call('/api/sync/tenure/meta', { token }));
    expect(
      (meta.versions as VersionRecord[]).map((record) => [record.version, record.deviceId, record.deviceName]),
    ).toEqual([3, 4, 5, 6, 7].map((version) => [version, LONGEST_DEVICE_ID, nameOf(version)]));
  });

  it('keeps a device name cut inside an emoji as well-formed text of the same length, and every read still works', async () => {
    const token = await tokenFor(newUser());
    const cut = `${'x'.repeat(DEVICE_NAME_MAX_LENGTH - 1)}${'😀'.slice(0, 1)}`;
    for (let v = 0; v < 2; v++)
      expect((await push(token, 'tenure', snap({ v: String(v) }), v, 'phone', cut)).status).toBe(200);
    const meta = await json(await call('/api/sync/tenure/meta', { token }));
    const names = (meta.versions as VersionRecord[]).map((record) => record.deviceName);
    expect(names).toEqual([cut.toWellFormed(), cut.toWellFormed()]);
    expect(names[0]).toHaveLength(DEVICE_NAME_MAX_LENGTH);
    expect((await call('/api/sync/tenure/pull', { token })).status).toBe(200);
  });
});
