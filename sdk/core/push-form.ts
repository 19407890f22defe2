import { patchBetween, type PushFields, type PushRequest, type Snapshot } from '../contract/index.js';

/** The version a push is compared and swapped against, as this device synced it: its checksum, and its data when kept. */
export interface PushBase {
  /** Checksum of the data at the push's version (sent as `baseChecksum`). */
  checksum: string;
  /** That data (the record's base snapshot), when this device keeps it: a patch is computed against it. */
  data?: Snapshot;
}

/** JSON bytes of a snapshot's entries, roughly (UTF-16 units, no escapes): enough to compare forms without serialising. */
function approximateBytes(entries: Snapshot): number {
  let bytes = 2;
  for (const key in entries) bytes += key.length + entries[key]!.length + 6;
  return bytes;
}

/**
 * The smallest push body for `data` (DESIGN §8): a patch against the base when this device keeps
 * the base's data and the patch is smaller than the data, else the full data. Either stores
 * exactly `data`, carried keys included (they are in the base and in `data` alike).
 */
export function smallestPushRequest(data: Snapshot, fields: PushFields, base: PushBase | null): PushRequest {
  if (!base?.data) return { ...fields, data };
  const patch = patchBetween(base.data, data);
  const patchBytes = approximateBytes(patch.set) + patch.remove.reduce((sum, key) => sum + key.length + 3, 24);
  return patchBytes < approximateBytes(data) ? { ...fields, baseChecksum: base.checksum, patch } : { ...fields, data };
}
