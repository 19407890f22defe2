import type { DeletedRecord } from '../contract/index.js';
import { conflictInfo } from './conflict-info.js';
import type { LocalView } from './local-view.js';
import type { SyncRecord } from './sync-record-store.js';
import type { ConflictInfo, ConflictReason } from './sync-state.js';

/**
 * The cloud data was deleted (DESIGN §10) while this device holds data it synced before: nothing
 * is uploaded again and nothing is emptied until the person chooses. `keep-local` uploads this
 * device's data as the version after the tombstone; `use-server` accepts the deletion: the data
 * stays on this device only and this device stops syncing this app for this account (state
 * `disabled` with {@link KEPT_ON_DEVICE_REASON}) until `syncNow()` asks again.
 */

/** The `disabledReason` of a device whose person kept its data on it after the cloud copy was deleted. */
export const KEPT_ON_DEVICE_REASON = 'The cloud copy was deleted; this device keeps its data and does not sync it (Sync now asks again)';

/**
 * A conflict over deleted cloud data: `cloud-deleted`, or another whole-data reason met while the
 * server holds a tombstone. Its server side is the tombstone (version and time), so `keep-local`
 * pushes on that version.
 */
export function deletedConflict(view: LocalView, deviceName: string, deleted: DeletedRecord, reason: ConflictReason = 'cloud-deleted'): ConflictInfo {
  const { record } = view;
  const info = conflictInfo({ reason, baseVersion: record.baseVersion, local: { data: view.data, modifiedAt: record.pendingSince ?? record.lastSyncedAt, deviceName }, server: null });
  return { ...info, serverVersion: deleted.version, serverModified: deleted.deletedAt, server: { ...info.server, modifiedAt: deleted.deletedAt } };
}

/**
 * The record of a device that accepted the deletion at `version` and keeps its data: no synced
 * base any more (a later upload is a first sync), and the mark that stops its syncs.
 */
export function keptOnDeviceRecord({ base: _base, carried: _carried, unconfirmed: _unconfirmed, refused: _refused, ...record }: SyncRecord, version: number): SyncRecord {
  return { ...record, baseVersion: version, lastSyncedChecksum: null, pendingSince: null, keptOnDevice: version };
}
