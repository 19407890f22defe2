import { isChecksum, isSnapshot, isVersionNumber, type Snapshot } from '../contract/index.js';
import type { LocalBackup, ReplaceReason } from './sync-manager.js';
import type { SyncErrorInfo } from './sync-state.js';
import { arrayOf, isBoolean, isNullableString, isString, optional, shaped, type Check } from './value-shape.js';

/** What a device remembers about one app for one account between page loads. */
export interface SyncRecord {
  /** The server version this device last synced (0 if never). */
  baseVersion: number;
  /** Checksum of the data at that version, or null if never synced. Local changes are measured against it. */
  lastSyncedChecksum: string | null;
  /** When this device last pushed or pulled successfully (ISO), or null. */
  lastSyncedAt: string | null;
  /** When unsynced local changes were first seen (ISO), or null when in sync. */
  pendingSince: string | null;
  /**
   * Pushes sent since the last sync whose answer never arrived (the tab closed or the network
   * dropped after the server committed): the version each pushed against and its checksum. A
   * kept server version matching one is this device's own data, not another device's.
   */
  unconfirmed?: readonly SentPush[];
  /**
   * The base snapshot: the data of `baseVersion` as synced, every key, including keys this
   * release's adapter does not own (they are carried into every push; DESIGN §7.3).
   */
  base?: Snapshot;
  /**
   * Keys of `base` the local store did not hold when it was recorded (an older release pulled them
   * but could not write them): carried into pushes by every release, never read as deletions.
   */
  carried?: readonly string[];
  /**
   * A snapshot the server refused with a non-retryable 4xx (its checksum) and why: not sent again
   * until the data changes or `syncNow()`; the state shows the error meanwhile.
   */
  refused?: SyncErrorInfo & { checksum: string };
  /** The last replacement of local data, to catch an app saving its old in-memory copy (DESIGN §7.4). */
  replaced?: Replacement;
  /**
   * When this account took the local data over from another, that owner's values the store may
   * still hold or come to hold: of keys the syncing release could not see, and of keys it owns that
   * the store no longer held (another tab's old in-memory copy may save them back). Synced or not:
   * an `other-account` conflict records what the store held of that owner's while it stands. A
   * release that owns such a key meets its value as `other-account` (DESIGN §7.1, §7.3, §7.4).
   */
  foreign?: { owner: string; data: Snapshot };
  /**
   * Set when the person kept this device's data on it after the cloud copy was deleted (DESIGN
   * §10): the tombstone's version. This device then syncs nothing until `syncNow()`.
   */
  keptOnDevice?: number;
}

/** A push this device sent: the server version it pushed against and the checksum of its data. */
export interface SentPush {
  /** The server version the push was based on (its compare-and-swap version); it commits as `version + 1`. */
  version: number;
  /** Checksum of the data it sent. */
  checksum: string;
}

/** Keys the SDK replaced in local data, and what they held before. */
export interface Replacement {
  /** Identifies this replacement (tabs tell each other about it). */
  id: string;
  /** What replaced the keys. */
  reason: ReplaceReason;
  /** The replaced keys (set or removed). */
  keys: string[];
  /** Their values before the replacement (absent keys were absent). */
  removed: Snapshot;
  /** The account whose data `removed` was, when not the signed-in one (use-server on an `other-account` conflict). */
  removedOwner?: string;
  /** Their values the SDK wrote (absent keys were removed). */
  applied: Snapshot;
  /** The page (manager instance) that replaced them. */
  page: string;
  /** True once the app re-read them: an `onReplace` listener ran, or a later page started with them intact. */
  acknowledged: boolean;
}

/** The record of a device that never synced. */
export const NEVER_SYNCED: SyncRecord = Object.freeze({
  baseVersion: 0,
  lastSyncedChecksum: null,
  lastSyncedAt: null,
  pendingSince: null,
});

/** Backups kept per app and account; the oldest go first. */
export const BACKUPS_KEPT = 20;

/**
 * The port for everything the SDK persists on a device: a {@link SyncRecord} per app and account
 * (the token's `sub`), which account the local data of an app belongs to, the device id, and local
 * backups per app and account. What it reads back is validated; anything malformed reads as absent.
 */
export interface SyncRecordStore {
  /** The record of `app` for account `user`, or {@link NEVER_SYNCED}. */
  getRecord(app: string, user: string): Promise<SyncRecord>;
  /** Replaces the record of `app` for `user`; null removes it. */
  setRecord(app: string, user: string, record: SyncRecord | null): Promise<void>;
  /** The account whose data the local store of `app` holds (the last one that synced it here), or null. */
  getOwner(app: string): Promise<string | null>;
  /** Records `user` as the account whose data the local store of `app` holds. */
  setOwner(app: string, user: string): Promise<void>;
  /** The device id, created with `create` (atomically, once per browser profile) when absent. */
  deviceId(create: () => string): Promise<string>;
  /** The backups of `app` that belong to account `owner`, newest first. */
  listBackups(app: string, owner: string | null): Promise<LocalBackup[]>;
  /** Keeps `backup` with its owner's, dropping the oldest beyond {@link BACKUPS_KEPT}. */
  addBackup(backup: LocalBackup): Promise<void>;
}

/** The key-value store under a {@link SyncRecordStore}: IndexedDB in browsers, a Map in tests. */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  /** Replaces the value with `updater(old)` atomically. */
  update(key: string, updater: (old: unknown) => unknown): Promise<void>;
}

const isSentPush: Check<SentPush> = shaped<SentPush>({ version: isVersionNumber, checksum: isChecksum });
const isReplacement: Check<Replacement> = shaped<Replacement>({
  id: isString,
  reason: isString as Check<ReplaceReason>,
  keys: arrayOf(isString),
  removed: isSnapshot,
  // Looser than the type, as it always was: null passes too.
  removedOwner: optional(isNullableString) as Check<string | undefined>,
  applied: isSnapshot,
  page: isString,
  acknowledged: isBoolean,
});

/** True when `value` is a well-formed {@link SyncRecord}. */
export const isSyncRecord: Check<SyncRecord> = shaped<SyncRecord>({
  baseVersion: isVersionNumber,
  lastSyncedChecksum: (v): v is string | null => v === null || isChecksum(v),
  lastSyncedAt: isNullableString,
  pendingSince: isNullableString,
  unconfirmed: optional(arrayOf(isSentPush)),
  base: optional(isSnapshot),
  carried: optional(arrayOf(isString)),
  refused: optional(
    shaped<SyncErrorInfo & { checksum: string }>({
      checksum: isChecksum,
      code: isString as Check<SyncErrorInfo['code']>,
      message: isString,
    }),
  ),
  replaced: optional(isReplacement),
  foreign: optional(shaped<{ owner: string; data: Snapshot }>({ owner: isString, data: isSnapshot })),
  keptOnDevice: optional(isVersionNumber),
});

const REPLACE_REASONS: readonly unknown[] = ['use-server', 'restore', 'pull', 'backup'] satisfies ReplaceReason[];

/** True when `value` is a well-formed {@link LocalBackup}. */
export const isLocalBackup: Check<LocalBackup> = shaped<LocalBackup>({
  id: isString,
  app: isString,
  createdAt: isString,
  reason: (v): v is ReplaceReason => REPLACE_REASONS.includes(v),
  owner: isNullableString,
  baseVersion: isVersionNumber,
  checksum: isChecksum,
  data: isSnapshot,
});

const backupsIn = (value: unknown): LocalBackup[] => (Array.isArray(value) ? value.filter(isLocalBackup) : []);
// Keys are JSON arrays so that no app name or account id can spell another's key.
const keyOf = (...parts: (string | null)[]): string => JSON.stringify(parts);

/** A {@link SyncRecordStore} over any {@link KeyValueStore}. */
export function syncRecordStore(kv: KeyValueStore): SyncRecordStore {
  return {
    async getRecord(app, user) {
      const value = await kv.get(keyOf('record', app, user));
      return isSyncRecord(value) ? value : NEVER_SYNCED;
    },
    setRecord: (app, user, record) => kv.update(keyOf('record', app, user), () => (record ? { ...record } : undefined)),
    async getOwner(app) {
      const value = await kv.get(keyOf('owner', app));
      return typeof value === 'string' ? value : null;
    },
    setOwner: (app, user) => kv.update(keyOf('owner', app), () => user),
    async deviceId(create) {
      await kv.update('deviceId', (old) => (typeof old === 'string' ? old : create()));
      return String(await kv.get('deviceId'));
    },
    listBackups: async (app, owner) => backupsIn(await kv.get(keyOf('backups', app, owner))),
    addBackup: (backup) =>
      kv.update(keyOf('backups', backup.app, backup.owner), (old) =>
        [backup, ...backupsIn(old)].slice(0, BACKUPS_KEPT),
      ),
  };
}

/** A {@link SyncRecordStore} in memory: for tests, and for two "tabs" sharing one device. */
export function memorySyncRecordStore(): SyncRecordStore {
  const values = new Map<string, unknown>();
  return syncRecordStore({
    get: async (key) => structuredClone(values.get(key)),
    update: async (key, updater) => void values.set(key, structuredClone(updater(values.get(key)))),
  });
}
