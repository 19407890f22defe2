import { applyPatch, checksum, type PatchPullResponse, type PullResponse } from '../contract/index.js';
import type { SyncRecord } from './sync-record-store.js';

/**
 * A patch pull answer (DESIGN §9) applied onto the record's base data, as the full pull it stands
 * for, only when the patch starts at that base (its version and checksum) and its result has the
 * current checksum; else null, and the caller pulls the full data instead. Nothing is applied
 * locally here.
 */
export async function patchedPull(
  { patch, baseVersion, baseChecksum, ...fields }: PatchPullResponse,
  { base, baseVersion: heldVersion, lastSyncedChecksum }: SyncRecord,
): Promise<PullResponse | null> {
  if (!base || baseVersion !== heldVersion || baseChecksum !== lastSyncedChecksum) return null;
  const data = applyPatch(base, patch);
  return (await checksum(data)) === fields.meta.checksum ? { ...fields, data } : null;
}
