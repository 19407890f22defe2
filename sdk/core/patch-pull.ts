import { applyPatch, checksum, isPatchPull, type PatchPullResponse, type PullAnswer, type PullResponse, type Snapshot } from '../contract/index.js';
import { BadResponseError } from './errors.js';
import type { SyncRecord } from './sync-record-store.js';

/** What a device holds to ask for the changes since: its base version, that version's checksum and data. */
export interface PullBase {
  version: number;
  checksum: string;
  data: Snapshot;
}

/** The base a pull may name as `since` (DESIGN §9): only a record that holds its base data has one. */
export const pullBaseOf = (record: SyncRecord): PullBase | null =>
  record.base && record.baseVersion > 0 && record.lastSyncedChecksum !== null ? { version: record.baseVersion, checksum: record.lastSyncedChecksum, data: record.base } : null;

/**
 * A patch answer applied onto the device's base, as the full pull it stands for, only when the patch
 * starts at that base (version and checksum) and its result has the current checksum; else null,
 * and the caller pulls the full data instead. Nothing is applied locally here.
 */
export async function patchedPull({ patch, baseVersion, baseChecksum, ...fields }: PatchPullResponse, base: PullBase | null): Promise<PullResponse | null> {
  if (!base || baseVersion !== base.version || baseChecksum !== base.checksum) return null;
  const data = applyPatch(base.data, patch);
  return (await checksum(data)) === fields.meta.checksum ? { ...fields, data } : null;
}

/**
 * The answer of a pull that named no `since`, which must be the full data.
 *
 * @throws BadResponseError when it is a patch.
 */
export function fullPull(answer: PullAnswer): PullResponse {
  if (isPatchPull(answer)) throw new BadResponseError('INTERNAL', 'A pull without `since` was answered with a patch', 200);
  return answer;
}
