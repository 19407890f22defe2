import type { SyncRecord } from './sync-record-store.js';
import type { ConflictReason } from './sync-state.js';

/** What a sync check knows: this device's record and snapshot, and the server's head. */
export interface SyncFacts {
  /** The server version this device last synced (0 if never). */
  baseVersion: number;
  /** Checksum of the data at that version, or null if this device never synced. */
  lastSyncedChecksum: string | null;
  /** Checksum of the local snapshot now. */
  localChecksum: string;
  /** Whether the local snapshot has no keys. */
  localEmpty: boolean;
  /** The server's head version, or null when nothing is stored. */
  server: { version: number; checksum: string } | null;
}

/** What to do about {@link SyncFacts}. */
export type SyncDecision =
  /** Local data already equals the server's: record `version` (and `checksum`) as synced, no transfer. */
  | { action: 'adopt'; version: number; checksum: string | null }
  /** Take the server's data. */
  | { action: 'pull' }
  /** Send the local data, compare-and-swap on `version`. */
  | { action: 'push'; version: number }
  /** Both sides changed: the user chooses. */
  | { action: 'conflict'; reason: ConflictReason };

/**
 * Whether the local data has changes the server has not seen. Derived, never flagged: the snapshot's
 * checksum differs from the last synced one. A device that never synced has changes unless it is empty.
 */
export function hasLocalChanges(facts: Pick<SyncFacts, 'lastSyncedChecksum' | 'localChecksum' | 'localEmpty'>): boolean {
  return facts.lastSyncedChecksum === null ? !facts.localEmpty : facts.localChecksum !== facts.lastSyncedChecksum;
}

/**
 * The start flow of DESIGN §6 as one pure decision: equal data is adopted; nothing on the server
 * means push (unless empty); a never-synced device pulls when empty and otherwise conflicts
 * (`first-sync`); at the same version local changes push, at a newer server version they conflict
 * (`server-newer`) and otherwise it pulls; a server behind this device, or at its version with data
 * it never synced (a reset bucket), conflicts (`server-behind`).
 */
export function decideSync(facts: SyncFacts): SyncDecision {
  const { server, baseVersion, localChecksum } = facts;
  const changed = hasLocalChanges(facts);
  if (!server) return facts.localEmpty ? { action: 'adopt', version: 0, checksum: null } : { action: 'push', version: 0 };
  if (server.checksum === localChecksum) return { action: 'adopt', version: server.version, checksum: localChecksum };
  if (facts.lastSyncedChecksum === null) return facts.localEmpty ? { action: 'pull' } : { action: 'conflict', reason: 'first-sync' };
  if (server.version < baseVersion) return { action: 'conflict', reason: 'server-behind' };
  if (!changed) return { action: 'pull' };
  if (server.version > baseVersion) return { action: 'conflict', reason: 'server-newer' };
  // Same number, other data: the server was reset and another device pushed since.
  return server.checksum === facts.lastSyncedChecksum ? { action: 'push', version: baseVersion } : { action: 'conflict', reason: 'server-behind' };
}

/**
 * True when the server's head is a push this device sent but never heard back about (the answer
 * was lost): the version after one it pushed against, with the same checksum. Such a head is this
 * device's own data, so local edits made since go on top of it instead of conflicting with it.
 */
export function isUnconfirmedPush(record: SyncRecord, head: { version: number; checksum: string }): boolean {
  return (record.unconfirmed ?? []).some((sent) => head.version === sent.version + 1 && head.checksum === sent.checksum);
}
