import type { ErrorCode, SnapshotDiff } from '../contract/index.js';

/**
 * Where a manager stands:
 * - `disabled`: gated (no subscription allows this app, or not signed in); local changes stay pending.
 * - `idle`: created or stopped, not checking.
 * - `pending`: local changes wait for the debounce or a retry.
 * - `syncing`: a request is in flight.
 * - `synced`: local data equals the server's version.
 * - `offline`: the browser is offline; changes are queued.
 * - `conflict`: the server and this device both changed; the user must choose.
 * - `error`: a failure that retrying will not fix (see `error`).
 */
export type SyncStatus = 'disabled' | 'idle' | 'pending' | 'syncing' | 'synced' | 'offline' | 'conflict' | 'error';

/** Why a conflict was raised. */
export type ConflictReason =
  /** The server holds a newer version and this device has unsynced changes. */
  | 'server-newer'
  /**
   * The server no longer holds the version this device synced: it is behind it, or at the same
   * number with other data (a reset or restored bucket that another device pushed to since).
   */
  | 'server-behind'
  /** This device never synced, holds data, and the server holds different data. */
  | 'first-sync'
  /** A push was refused (409): another device pushed first, with different data. */
  | 'push-rejected';

/** What a conflict dialog needs to show. */
export interface ConflictInfo {
  /** Why the conflict was raised; see {@link ConflictReason}. */
  reason: ConflictReason;
  /** The server version this device last synced. */
  localVersion: number;
  /** The server's current version. */
  serverVersion: number;
  /** When the server's version was committed (ISO), or null. */
  serverModified: string | null;
  /** Which device pushed the server's version, or null. */
  serverDeviceId: string | null;
  /** Keys added, removed or changed locally relative to the server's data. */
  diff: SnapshotDiff;
}

/** A failure retrying will not fix, or the last transient one while retrying. */
export interface SyncErrorInfo {
  /** The server's error code, or `NETWORK` / `AUTH` / `LOCAL` for client-side failures. */
  code: ErrorCode | 'NETWORK' | 'AUTH' | 'LOCAL';
  /** What failed, for a person to read (the server's message when it sent one). */
  message: string;
}

/** The observable state of a {@link SyncManager}, published to `subscribe` listeners. */
export interface SyncState {
  /** Where the manager stands; see {@link SyncStatus}. */
  status: SyncStatus;
  /** The server version this device last synced (0 if never). */
  version: number;
  /** When this device last pushed or pulled successfully (ISO), or null. */
  lastSyncedAt: string | null;
  /** When the oldest unsynced local change was first seen (ISO), or null when in sync. */
  pendingSince: string | null;
  /** Present while `status` is `conflict`. */
  conflict?: ConflictInfo;
  /** Present while `status` is `error`, and during retries (the last transient failure). */
  error?: SyncErrorInfo;
  /** Present while `status` is `disabled`: why, for a person to read. */
  disabledReason?: string;
  /** `navigator.onLine` as last seen. */
  online: boolean;
  /** When the next retry is scheduled (ISO), or null. */
  nextRetryAt: string | null;
  /** The answer of `navigator.storage.persist()` when asked, else null. */
  storagePersisted: boolean | null;
}
