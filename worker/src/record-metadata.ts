import { isVersionRecord, type VersionRecord } from '../../sdk/contract/index.js';

/**
 * The most R2 custom metadata one object may carry here: 2 KiB. R2 itself allows 8 KiB today, but
 * 2 KiB is S3's limit and R2's original one, so the layout stays portable. Every field that goes
 * into metadata is bounded by the contract, and the worst case (see {@link metadataBytes}) fits.
 */
export const CUSTOM_METADATA_BUDGET_BYTES = 2048;

/** The kept versions before the current one that current.json's metadata lists: at most 4. */
export const KEPT_BEFORE_MAX = 4;

/** Key of the count of kept versions before the current one; objects of older releases lack it. */
const KEPT_COUNT_KEY = 'kept';
const keptKey = (n: number): string => `kept${n}`;
const keptNameKey = (n: number): string => `keptName${n}`;

/**
 * A version record as R2 custom metadata (every object carries its own, so a `head` reads it):
 * `version, checksum, deviceId, lastModified, size` and `deviceName` when there is one.
 */
export function recordMetadata(record: VersionRecord): Record<string, string> {
  return {
    version: String(record.version),
    checksum: record.checksum,
    deviceId: record.deviceId,
    lastModified: record.lastModified,
    size: String(record.size),
    ...(record.deviceName === undefined ? {} : { deviceName: record.deviceName }),
  };
}

/**
 * The metadata of current.json, the commit object: its record plus the records of the kept
 * versions before it, ascending, so one `head` tells a reader every kept version. Each earlier
 * record is one line of fields that hold no space (`kept1` = `version lastModified size checksum
 * deviceId`) and, when it has one, its device name on its own (`keptName1`), so no name is escaped.
 *
 * @throws Error when more than {@link KEPT_BEFORE_MAX} earlier records are given.
 */
export function commitMetadata(record: VersionRecord, keptBefore: readonly VersionRecord[]): Record<string, string> {
  if (keptBefore.length > KEPT_BEFORE_MAX)
    throw new Error(`at most ${KEPT_BEFORE_MAX} earlier kept versions, got ${keptBefore.length}`);
  const metadata: Record<string, string> = { ...recordMetadata(record), [KEPT_COUNT_KEY]: String(keptBefore.length) };
  keptBefore.forEach((kept, i) => {
    metadata[keptKey(i + 1)] = [kept.version, kept.lastModified, kept.size, kept.checksum, kept.deviceId].join(' ');
    if (kept.deviceName !== undefined) metadata[keptNameKey(i + 1)] = kept.deviceName;
  });
  return metadata;
}

/** The record an object's metadata carries, or null when it carries none (or a malformed one). */
export function parseRecordMetadata(metadata: Record<string, string> | undefined): VersionRecord | null {
  const m = metadata ?? {};
  const record = {
    version: Number(m.version),
    checksum: m.checksum,
    deviceId: m.deviceId,
    lastModified: m.lastModified,
    size: Number(m.size),
    ...(m.deviceName === undefined ? {} : { deviceName: m.deviceName }),
  };
  return isVersionRecord(record) ? record : null;
}

/**
 * The record an object's metadata carries.
 *
 * @throws Error when it carries none (or a malformed one); `key` names the object in the message.
 */
export function recordFromMetadata(key: string, metadata: Record<string, string> | undefined): VersionRecord {
  const record = parseRecordMetadata(metadata);
  if (!record) throw new Error(`${key} carries no valid version record`);
  return record;
}

/**
 * The kept versions before the current one from current.json's metadata, ascending; `null` when
 * the object was written by a release that did not list them (the caller then lists history/).
 *
 * @throws Error when the list is there but malformed.
 */
export function keptBeforeFromMetadata(
  key: string,
  metadata: Record<string, string> | undefined,
): VersionRecord[] | null {
  const m = metadata ?? {};
  if (m[KEPT_COUNT_KEY] === undefined) return null;
  const count = Number(m[KEPT_COUNT_KEY]);
  if (!Number.isInteger(count) || count < 0 || count > KEPT_BEFORE_MAX)
    throw new Error(`${key} lists a malformed number of kept versions`);
  const kept: VersionRecord[] = [];
  for (let n = 1; n <= count; n++) {
    const fields = (m[keptKey(n)] ?? '').split(' ');
    const name = m[keptNameKey(n)];
    const record =
      fields.length === 5
        ? {
            version: Number(fields[0]),
            lastModified: fields[1],
            size: Number(fields[2]),
            checksum: fields[3],
            deviceId: fields[4],
            ...(name === undefined ? {} : { deviceName: name }),
          }
        : null;
    if (!isVersionRecord(record)) throw new Error(`${key} lists a malformed kept version ${n}`);
    kept.push(record);
  }
  return kept;
}

/**
 * The size of custom metadata by both measures a store may apply, whichever is larger: the UTF-8
 * bytes of every key and value (S3's rule), and the bytes R2's local implementation counts (one
 * per character for Latin-1 strings, two for any other string).
 */
export function metadataBytes(metadata: Record<string, string>): number {
  const utf8 = (s: string): number => new TextEncoder().encode(s).byteLength;
  const r2 = (s: string): number => (/[^\u0000-\u00ff]/.test(s) ? s.length * 2 : s.length);
  let utf8Total = 0;
  let r2Total = 0;
  for (const [key, value] of Object.entries(metadata)) {
    utf8Total += utf8(key) + utf8(value);
    r2Total += r2(key) + r2(value);
  }
  return Math.max(utf8Total, r2Total);
}
