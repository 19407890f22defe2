import { isDeletedRecord, type DeletedRecord } from '../../sdk/contract/index.js';

/**
 * The tombstone of DESIGN §10: what current.json holds after a DELETE. It is a version like any
 * other (committed by compare-and-swap, one above the version it replaces) but holds no data, so
 * version numbers never restart and no history key is ever reused. Its body is
 * `{"deleted":{"version":N,"deletedAt":ISO}}` and its metadata `deletedVersion` and `deletedAt`
 * (no `checksum`: no reader can take it for a version record).
 */

const VERSION_KEY = 'deletedVersion';
const AT_KEY = 'deletedAt';

/** The body of a tombstone current.json. */
export const tombstoneJson = (tombstone: DeletedRecord): string => JSON.stringify({ deleted: tombstone });

/** The custom metadata of a tombstone current.json. */
export const tombstoneMetadata = ({ version, deletedAt }: DeletedRecord): Record<string, string> => ({
  [VERSION_KEY]: String(version),
  [AT_KEY]: deletedAt,
});

/** The tombstone an object's metadata carries, or null when it is a version with data. */
export function tombstoneOf(object: Pick<R2Object, 'customMetadata'>): DeletedRecord | null {
  const m = object.customMetadata ?? {};
  if (m[VERSION_KEY] === undefined) return null;
  const tombstone = { version: Number(m[VERSION_KEY]), deletedAt: m[AT_KEY] };
  if (!isDeletedRecord(tombstone)) throw new Error('current.json carries a malformed tombstone');
  return tombstone;
}

/** The version a history or change file's key names (`history/{v}.json`, `history/{v}.patch.json`), or null. */
export function versionOfKey(key: string): number | null {
  const match = /\/history\/(\d+)(?:\.patch)?\.json$/.exec(key);
  return match ? Number(match[1]) : null;
}
