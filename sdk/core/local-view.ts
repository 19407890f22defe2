import { checksum, snapshotFromEntries, type Snapshot } from '../contract/index.js';
import { isStaleWriteBack, type SyncFacts } from './sync-decision.js';
import type { StorageAdapter } from './ports.js';
import type { SyncRecord, SyncRecordStore } from './sync-record-store.js';

/** What one sync operation sees of this device, read inside the lock for the signed-in account. */
export interface LocalView {
  /** The manager run this view belongs to; a stopped run's view writes nothing. */
  run: number;
  token: string;
  /** Whether `token` was already refreshed after a 401 in this operation. */
  refreshed: boolean;
  /** The signed-in account (the token's `sub`). */
  user: string;
  /** The account whose data the local store holds (the last one that synced it here), or null. */
  owner: string | null;
  /** This account's sync record on this device. */
  record: SyncRecord;
  /** The adapter's keys as they are now. */
  local: Snapshot;
  /** What a push sends: `local` plus the base's entries for keys this release does not own (DESIGN §7.3). */
  data: Snapshot;
  /** `checksum(data)`. */
  sum: string;
  /** Merges this operation made so far (DESIGN §9); bounded by `MERGE_ROUNDS`. */
  merges?: number;
}

/**
 * `local` plus the entries of `base` this store does not hold: keys `owns` rejects (another release
 * synced them), and the `carried` keys, which no write ever put here (an older release on this
 * device pulled them but could not write them). Carried, not deleted (DESIGN §7.3).
 */
export function withCarried(
  local: Snapshot,
  base: Snapshot | undefined,
  owns: (key: string) => boolean,
  carried: readonly string[] = [],
): Snapshot {
  if (!base) return local;
  const notHeld = new Set(carried);
  return snapshotFromEntries([
    ...Object.entries(base).filter(([key]) => !owns(key) || notHeld.has(key)),
    ...Object.entries(local),
  ]);
}

/** Reads the local side of a sync: the account's record, the data's owner, and the snapshot with carried keys. */
export async function readLocalView(
  app: string,
  deps: { records: SyncRecordStore; adapter: StorageAdapter },
  auth: { run: number; token: string; user: string },
): Promise<LocalView> {
  const owner = await deps.records.getOwner(app);
  const record = await deps.records.getRecord(app, auth.user);
  const local = await deps.adapter.collect();
  const data = withCarried(local, record.base, deps.adapter.owns, record.carried);
  return { ...auth, refreshed: false, owner, record, local, data, sum: await checksum(data) };
}

/** The local half of the {@link SyncFacts} a decision needs. */
export function localFacts(view: LocalView, owns: (key: string) => boolean): Omit<SyncFacts, 'server'> {
  const { record, local } = view;
  const localEmpty = Object.keys(local).length === 0;
  return {
    baseVersion: record.baseVersion,
    lastSyncedChecksum: record.lastSyncedChecksum,
    localChecksum: view.sum,
    localEmpty,
    otherAccount:
      (view.owner !== null && view.owner !== view.user) ||
      Object.entries(record.foreign?.data ?? {}).some(
        ([key, value]) => local[key] === value && record.base?.[key] !== value,
      ),
    emptied: localEmpty && Object.keys(record.base ?? {}).some((key) => owns(key) && !record.carried?.includes(key)),
    carriesOwnKeys: (record.carried ?? []).some((key) => owns(key) && !Object.hasOwn(local, key)),
    carriedDiffers: (record.carried ?? []).some(
      (key) => owns(key) && Object.hasOwn(local, key) && local[key] !== record.base?.[key],
    ),
    staleWriteBack: isStaleWriteBack(record, local),
    keptOnDevice: record.keptOnDevice !== undefined,
  };
}
