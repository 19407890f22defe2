import type { Snapshot } from '../contract/index.js';
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
  /** Why it was taken. */
  reason: 'use-server' | 'restore' | 'pull';
  /** The server version this device was based on when it was taken. */
  baseVersion: number;
  /** Checksum of `data`. */
  checksum: string;
  /** The snapshot as it was before it was replaced. */
  data: Snapshot;
}

/** Receives every state change. */
export type SyncListener = (state: SyncState) => void;

/**
 * Syncs one app's data between this device and the server. Create it with `createSync`.
 */
export interface SyncManager {
  /** The app this manager syncs. */
  readonly app: string;
  /** Checks the server once (one meta request) and starts listening for changes and platform events. */
  start(): Promise<void>;
  /** Stops listening, cancels timers and retries. Pending changes stay pending in IndexedDB. */
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
  /** Local backups of replaced data, newest first. */
  listBackups(): Promise<LocalBackup[]>;
  /** Applies a local backup to the local store (it then syncs like any local change). */
  restoreBackup(id: string): Promise<void>;
  /** Calls `listener` on every state change; returns the unsubscribe function. */
  subscribe(listener: SyncListener): () => void;
  /**
   * The current state. The same object is returned until the state changes (a new object then),
   * so it can back React's `useSyncExternalStore` and cheap `===` checks.
   */
  getState(): SyncState;
}
