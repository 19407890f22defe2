import { isChecksum, isSnapshot, isVersionNumber } from '../contract/index.js';
import type { LocalBackup } from './sync-manager.js';

/** What a device remembers about one app between page loads. */
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
   * server head matching one is this device's own data, not another device's.
   */
  unconfirmed?: readonly SentPush[];
}

/** A push this device sent: the server version it pushed against and the checksum of its data. */
export interface SentPush {
  version: number;
  checksum: string;
}

/** The record of a device that never synced. */
export const NEVER_SYNCED: SyncRecord = Object.freeze({ baseVersion: 0, lastSyncedChecksum: null, lastSyncedAt: null, pendingSince: null });

/** Backups kept per app; the oldest go first. */
export const BACKUPS_KEPT = 20;

/**
 * The port for everything the SDK persists on a device: one {@link SyncRecord} an app, the device
 * id, and local backups. What it reads back is validated; anything malformed reads as absent.
 */
export interface SyncRecordStore {
  /** The app's record, or {@link NEVER_SYNCED}. */
  getRecord(app: string): Promise<SyncRecord>;
  /** Replaces the app's record. */
  setRecord(app: string, record: SyncRecord): Promise<void>;
  /** The device id, created with `create` (atomically, once per browser profile) when absent. */
  deviceId(create: () => string): Promise<string>;
  /** The app's backups, newest first. */
  listBackups(app: string): Promise<LocalBackup[]>;
  /** Keeps `backup`, dropping the oldest beyond {@link BACKUPS_KEPT}. */
  addBackup(backup: LocalBackup): Promise<void>;
}

/** The key-value store under a {@link SyncRecordStore}: IndexedDB in browsers, a Map in tests. */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  /** Replaces the value with `updater(old)` atomically. */
  update(key: string, updater: (old: unknown) => unknown): Promise<void>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isNullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isSentPush = (v: unknown): v is SentPush => isObject(v) && isVersionNumber(v.version) && isChecksum(v.checksum);

/** True when `value` is a well-formed {@link SyncRecord}. */
export function isSyncRecord(value: unknown): value is SyncRecord {
  return (
    isObject(value) &&
    isVersionNumber(value.baseVersion) &&
    (value.lastSyncedChecksum === null || isChecksum(value.lastSyncedChecksum)) &&
    isNullableString(value.lastSyncedAt) &&
    isNullableString(value.pendingSince) &&
    (value.unconfirmed === undefined || (Array.isArray(value.unconfirmed) && value.unconfirmed.every(isSentPush)))
  );
}

/** True when `value` is a well-formed {@link LocalBackup}. */
export function isLocalBackup(value: unknown): value is LocalBackup {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.app === 'string' &&
    typeof value.createdAt === 'string' &&
    ['use-server', 'restore', 'pull', 'backup'].includes(value.reason as string) &&
    (value.owner === undefined || value.owner === null || typeof value.owner === 'string') &&
    isVersionNumber(value.baseVersion) &&
    isChecksum(value.checksum) &&
    isSnapshot(value.data)
  );
}

const backupsIn = (value: unknown): LocalBackup[] => (Array.isArray(value) ? value.filter(isLocalBackup) : []);

/** A {@link SyncRecordStore} over any {@link KeyValueStore}. */
export function syncRecordStore(kv: KeyValueStore): SyncRecordStore {
  return {
    async getRecord(app) {
      const value = await kv.get(`record:${app}`);
      return isSyncRecord(value) ? value : NEVER_SYNCED;
    },
    setRecord: (app, record) => kv.update(`record:${app}`, () => ({ ...record })),
    async deviceId(create) {
      await kv.update('deviceId', (old) => (typeof old === 'string' ? old : create()));
      return String(await kv.get('deviceId'));
    },
    listBackups: async (app) => backupsIn(await kv.get(`backups:${app}`)),
    addBackup: (backup) => kv.update(`backups:${backup.app}`, (old) => [backup, ...backupsIn(old)].slice(0, BACKUPS_KEPT)),
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
