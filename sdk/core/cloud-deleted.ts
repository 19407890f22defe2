import type { DeletedRecord, VersionRecord } from '../contract/index.js';
import { conflictInfo } from './conflict-info.js';
import type { LocalView } from './local-view.js';
import type { SyncRecord } from './sync-record-store.js';
import type { ConflictInfo, ConflictReason } from './sync-state.js';
import type { SyncEvent } from './sync-state-reducer.js';

/**
 * The cloud data was deleted (DESIGN §10) while this device holds data it synced before: nothing
 * is uploaded again and nothing is emptied until the person chooses. `keep-local` uploads this
 * device's data as the version after the tombstone; `use-server` accepts the deletion: the data
 * stays on this device only and this device stops syncing this app for this account (state
 * `disabled` with {@link KEPT_ON_DEVICE_REASON}) until `syncNow()` asks again.
 */

/** The `disabledReason` of a device whose person kept its data on it after the cloud copy was deleted. */
export const KEPT_ON_DEVICE_REASON = 'Cloud data deleted: kept on this device only (Sync now asks again)';

/** The state a device enters while it keeps its data after a deletion. */
export const KEPT_ON_DEVICE: SyncEvent = { type: 'enter', status: 'disabled', disabledReason: KEPT_ON_DEVICE_REASON };

/**
 * A conflict over deleted cloud data: `cloud-deleted`, or another whole-data reason met while the
 * server holds a tombstone. Its server side is the tombstone (version and time, no data), so
 * `keep-local` pushes on that version.
 */
export function deletedConflict(
  view: LocalView,
  deviceName: string,
  deleted: DeletedRecord,
  reason: ConflictReason = 'cloud-deleted',
): ConflictInfo {
  const { record } = view;
  const tombstone = { version: deleted.version, lastModified: deleted.deletedAt } as VersionRecord;
  return conflictInfo({
    reason,
    baseVersion: record.baseVersion,
    local: { data: view.data, modifiedAt: record.pendingSince ?? record.lastSyncedAt, deviceName },
    server: { record: tombstone, data: {} },
  });
}

/**
 * The record of a device that accepted the deletion at `version` and keeps its data: no synced
 * base any more (a later upload is a first sync), and the mark that stops its syncs.
 */
export function keptOnDeviceRecord(
  { base: _base, unconfirmed: _unconfirmed, ...record }: SyncRecord,
  version: number,
): SyncRecord {
  return { ...record, baseVersion: version, lastSyncedChecksum: null, pendingSince: null, keptOnDevice: version };
}
