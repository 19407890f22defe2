import type { Snapshot, VersionRecord } from '../contract/index.js';
import type { SentPush, SyncRecord } from './sync-record-store.js';
import type { ConflictReason } from './sync-state.js';

/** What a sync check knows: this device's record and snapshot, and the server's head. */
export interface SyncFacts {
  /** The server version this device last synced (0 if never). */
  baseVersion: number;
  /** Checksum of the data at that version, or null if this device never synced. */
  lastSyncedChecksum: string | null;
  /** Checksum of what a push would send now (owned keys plus carried ones). */
  localChecksum: string;
  /** Whether the adapter's keys are all absent locally. */
  localEmpty: boolean;
  /** The server's head version, or null when nothing is stored. */
  server: { version: number; checksum: string; size?: number } | null;
  /** When nothing is stored because the data was deleted (DESIGN §10): the tombstone's version. */
  deleted?: { version: number } | null;
  /** The person kept this device's data on it after a deletion (`SyncRecord.keptOnDevice`). */
  keptOnDevice?: boolean;
  /** The local data was last synced by another account than the signed-in one (DESIGN §7.1). */
  otherAccount?: boolean;
  /** The synced data held keys of this adapter and the local store now holds none (DESIGN §7.2). */
  emptied?: boolean;
  /** The app saved an old copy over replaced keys (DESIGN §7.4). */
  staleWriteBack?: boolean;
  /** This release owns keys the store only carries (an older release pulled them but could not write them): a pull writes them. */
  carriesOwnKeys?: boolean;
  /**
   * The store holds a value of such a key that differs from the base: written before the older
   * release synced without seeing it, or since; either way no sync saw it, so a person decides.
   */
  carriedDiffers?: boolean;
}

/** What to do about {@link SyncFacts}. */
export type SyncDecision =
  /** Local data already equals the server's: record `version` (and `checksum`) as synced, no transfer. */
  | { action: 'adopt'; version: number; checksum: string | null }
  /** Take the server's data. */
  | { action: 'pull' }
  /** Send the local data, compare-and-swap on `version`. */
  | { action: 'push'; version: number }
  /** Both sides changed, or the change is not one to send without asking: the user chooses. */
  | { action: 'conflict'; reason: ConflictReason };

/** Canonical JSON of `{}` is 2 bytes: a server version of that size holds no data. */
const EMPTY_DATA_BYTES = 2;

/**
 * Whether the local data has changes the server has not seen. Derived, never flagged: the snapshot's
 * checksum differs from the last synced one. A device that never synced has changes unless it is empty.
 */
export function hasLocalChanges(
  facts: Pick<SyncFacts, 'lastSyncedChecksum' | 'localChecksum' | 'localEmpty'>,
): boolean {
  return facts.lastSyncedChecksum === null ? !facts.localEmpty : facts.localChecksum !== facts.lastSyncedChecksum;
}

/**
 * The start flow of DESIGN §6 and §7 as one pure decision. Equal data is adopted. Changes that must
 * not travel without a person's choice conflict first: data of another account (`other-account`),
 * an old in-memory copy saved back (`stale-write-back`), an emptied store while the server holds
 * data (`local-emptied`). Nothing on the server means push (unless empty); a never-synced device
 * pulls when empty and otherwise conflicts (`first-sync`); at the same version local changes push,
 * at a newer server version they conflict (`server-newer`) and otherwise it pulls; a server behind
 * this device, or at its version with data it never synced (a reset bucket), conflicts (`server-behind`).
 * Data deleted on the server (a tombstone) conflicts (`cloud-deleted`) for a device that synced before.
 */
export function decideSync(facts: SyncFacts): SyncDecision {
  const { server, baseVersion, localChecksum } = facts;
  const conflict = (reason: ConflictReason): SyncDecision => ({ action: 'conflict', reason });
  if (server?.checksum === localChecksum)
    return facts.carriesOwnKeys
      ? { action: 'pull' }
      : { action: 'adopt', version: server.version, checksum: localChecksum };
  if (facts.otherAccount && !facts.localEmpty) return conflict('other-account');
  if (facts.staleWriteBack) return conflict('stale-write-back');
  // After a deletion: a device that synced before (or chose to keep its data) asks; one that never synced pushes after the tombstone.
  if (!server && facts.deleted)
    return facts.localEmpty
      ? { action: 'adopt', version: facts.deleted.version, checksum: null }
      : facts.keptOnDevice || facts.lastSyncedChecksum !== null
        ? conflict('cloud-deleted')
        : { action: 'push', version: facts.deleted.version };
  if (!server)
    return facts.localEmpty ? { action: 'adopt', version: 0, checksum: null } : { action: 'push', version: 0 };
  if (facts.carriedDiffers) return conflict('server-newer');
  if (facts.emptied && server.size !== EMPTY_DATA_BYTES) return conflict('local-emptied');
  if (facts.lastSyncedChecksum === null) return facts.localEmpty ? { action: 'pull' } : conflict('first-sync');
  if (server.version < baseVersion) return conflict('server-behind');
  if (!hasLocalChanges(facts)) return { action: 'pull' };
  if (server.version > baseVersion) return conflict('server-newer');
  // Same number, other data: the server was reset and another device pushed since.
  return server.checksum === facts.lastSyncedChecksum
    ? { action: 'push', version: baseVersion }
    : conflict('server-behind');
}

/**
 * The push this device sent whose answer was lost, found among the server's kept versions: a
 * version one above one it pushed against, with that push's checksum and this device's id. Its
 * data is this device's own, wherever it is in history (another device may have built on it).
 */
export function findUnconfirmedPush(
  record: SyncRecord,
  kept: readonly VersionRecord[],
  deviceId: string,
): { sent: SentPush; kept: VersionRecord } | null {
  for (const sent of record.unconfirmed ?? []) {
    const match = kept.find(
      (v) => v.version === sent.version + 1 && v.checksum === sent.checksum && v.deviceId === deviceId,
    );
    if (match) return { sent, kept: match };
  }
  return null;
}

/**
 * True when the app wrote to keys the SDK replaced in a way only an old in-memory copy explains
 * (DESIGN §7.4): a replaced key changed before the app acknowledged the replacement, or a replaced
 * key now holds exactly the value the replacement removed.
 */
export function isStaleWriteBack(record: Pick<SyncRecord, 'replaced'>, local: Snapshot): boolean {
  const { replaced } = record;
  if (!replaced) return false;
  const valueIn = (data: Snapshot, key: string): string | undefined =>
    Object.hasOwn(data, key) ? data[key] : undefined;
  return replaced.keys.some((key) => {
    const now = valueIn(local, key);
    if (now === valueIn(replaced.applied, key)) return false;
    return !replaced.acknowledged || now === valueIn(replaced.removed, key);
  });
}
