import type { Snapshot, VersionRecord } from '../contract/index.js';
import type { SyncState } from './sync-state.js';

/** The user's choice in a conflict. */
export type ConflictChoice = 'keep-local' | 'use-server';

/** A local copy of data the SDK replaced, kept in IndexedDB so nothing is lost. */
export interface LocalBackup {
  /** Identifies the backup for `restoreBackup`. */
  id: string;
  /** The app whose data this is. */
  app: string;
  /** When it was taken (ISO). */
  createdAt: string;
  /** Why it was taken: the choice, restore, or pull that replaced it (`backup` when a backup was restored over it). */
  reason: ReplaceReason;
  /** The account (token `sub`) the data belonged to when it was taken; null when no account had synced it. */
  owner: string | null;
  /** The server version this device was based on when it was taken. */
  baseVersion: number;
  /** Checksum of `data`. */
  checksum: string;
  /** The snapshot as it was before it was replaced. */
  data: Snapshot;
}

/** Receives every state change. */
export type SyncListener = (state: SyncState) => void;

/** What replaced local data: a pull, the "use server data" choice, `restore(v)`, or `restoreBackup(id)`. */
export type ReplaceReason = 'pull' | 'use-server' | 'restore' | 'backup';

/** Told to an {@link ReplaceListener} right after the SDK replaced local data. */
export interface ReplaceEvent {
  /** The keys whose values changed (set or removed), sorted. */
  keys: string[];
  /** What replaced them. */
  reason: ReplaceReason;
}

/** Re-reads the replaced keys into the app's memory; may return a promise. */
export type ReplaceListener = (event: ReplaceEvent) => void | Promise<void>;

/**
 * Syncs one app's data between this device and the server. Create it with `createSync`.
 */
export interface SyncManager {
  /** The app this manager syncs. */
  readonly app: string;
  /** Checks the server once (one meta request) and starts listening for changes and platform events. Never rejects: failures show in the state. */
  start(): Promise<void>;
  /**
   * Stops listening, cancels timers and retries, and aborts requests in flight: after it returns, the
   * manager writes nothing locally and changes no state. Pending changes stay pending in IndexedDB.
   */
  stop(): void;
  /** Tells the manager local data changed: a push follows `debounceMs` after the last call. */
  notifyChanged(): void;
  /** Pushes (or pulls) now, skipping the debounce. Resolves when this sync attempt settles. Does nothing before `start()`. */
  syncNow(): Promise<void>;
  /** Resolves the current conflict with the user's choice. */
  resolveConflict(choice: ConflictChoice): Promise<void>;
  /** Makes a kept server version the newest one, on the server and locally (backs up local data first). */
  restore(version: number): Promise<void>;
  /** Versions the server keeps for {@link SyncManager.restore}, ascending. */
  listVersions(): Promise<number[]>;
  /** The kept versions' records (time, device, size), ascending, for a history view. Empty when nothing is stored or sync is gated. */
  listHistory(): Promise<VersionRecord[]>;
  /** Local backups of replaced data, newest first. */
  listBackups(): Promise<LocalBackup[]>;
  /**
   * Applies a local backup to the local store (it then syncs like any local change). Rejects with
   * `SyncError` code `LOCAL`, restoring nothing, when a running sync replaced the local data before it ran.
   */
  restoreBackup(id: string): Promise<void>;
  /**
   * Calls `listener` right after the SDK replaced local data (pull, use-server, restore, backup), with
   * the keys and the reason. Registering a listener is the app's word that it re-reads those keys, so
   * an old copy held in memory is never saved back (DESIGN §7.4). Returns the unregister function.
   */
  onReplace(listener: ReplaceListener): () => void;
  /**
   * For sign-out: stops syncing and removes this device's sync record (base version, base snapshot,
   * unconfirmed pushes) for the account this manager last synced, even when the app already dropped
   * its token (else for the signed-in account). Local data stays unless the app clears it; backups stay,
   * and so does a choice to keep the data on this device only after a deletion (`cloud-deleted`).
   */
  forget(): Promise<void>;
  /** Calls `listener` on every state change; returns the unsubscribe function. */
  subscribe(listener: SyncListener): () => void;
  /**
   * The current state. The same object is returned until the state changes (a new object then),
   * so it can back React's `useSyncExternalStore` and cheap `===` checks.
   */
  getState(): SyncState;
}
