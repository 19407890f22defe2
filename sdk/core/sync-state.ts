import type { ErrorCode, SnapshotDiff } from '../contract/index.js';

/**
 * Where a manager stands:
 * - `disabled`: gated (no subscription allows this app, or not signed in; local changes stay pending),
 *   or this device keeps its data after the cloud copy was deleted (the `cloud-deleted` conflict's `use-server`).
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
  | 'push-rejected'
  /**
   * The local data was last synced by another account on this browser (or by nobody while another
   * account's record exists), and a different user is signed in now (DESIGN §7.1).
   */
  | 'other-account'
  /** The local data became empty while the server holds data: clearing a store is not an edit (DESIGN §7.2). */
  | 'local-emptied'
  /**
   * A local change to a key the SDK replaced, made before the app acknowledged the replacement (an
   * `onReplace` listener ran, or the page reloaded), or one that writes back exactly the value a
   * replacement removed: an app saving an old in-memory copy (DESIGN §7.4).
   */
  | 'stale-write-back'
  /**
   * The cloud data was deleted (DESIGN §10) while this device holds data it synced before.
   * `keep-local` uploads this device's data again (as the version after the deletion);
   * `use-server` accepts the deletion: the data stays on this device only, and this device stops
   * syncing this app for this account (`disabled`) until `syncNow()` asks again. Neither empties the store.
   */
  | 'cloud-deleted';

/** One side of a conflict, for a person to decide with (DESIGN §7.5). */
export interface ConflictSide {
  /** How many keys this side holds. */
  keys: number;
  /** UTF-8 bytes of this side's canonical JSON. */
  bytes: number;
  /**
   * When this side changed (ISO): locally, when its unsynced changes were first seen (else when it last
   * synced); on the server, the commit time. Null if unknown.
   */
  modifiedAt: string | null;
  /** The device that wrote this side (e.g. "Chrome on Android"); null if unknown. */
  deviceName: string | null;
}

/** A key whose value differs between the sides, with both values when they are small enough to show. */
export interface ConflictValue {
  /** The localStorage key. */
  key: string;
  /** The local value, or null when the key is absent locally. */
  local: string | null;
  /** The server's value, or null when the server lacks the key. */
  server: string | null;
}

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
  /** This device's side: what it holds, how much, when it changed, which device. */
  local: ConflictSide;
  /** The server's side. */
  server: ConflictSide;
  /**
   * Present for a key-level conflict (`server-newer`, `push-rejected`; DESIGN §9): the keys both
   * sides changed to different values, sorted. The choice decides only these; every other change
   * of both sides is merged. Absent for a whole-data conflict, where the choice takes one side's data.
   */
  keys?: string[];
  /**
   * A few differing keys (at most {@link CONFLICT_VALUES_SHOWN}) whose values on both sides are small
   * (at most {@link CONFLICT_VALUE_MAX_CHARS} characters each), so a dialog can show what each side says;
   * for a key-level conflict, of the colliding keys only.
   */
  values: ConflictValue[];
}

/** At most this many differing values travel in {@link ConflictInfo.values}. */
export const CONFLICT_VALUES_SHOWN = 5;
/** A value longer than this (UTF-16 code units) is not shown in {@link ConflictInfo.values}. */
export const CONFLICT_VALUE_MAX_CHARS = 500;

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
  /**
   * Why the page should be reloaded to show current data, or null (DESIGN §7.4): `newer-data` when
   * the server holds a newer version left unapplied (no `onReplace` listener, option
   * `withoutReplaceListener: 'defer'`), `replaced` when local data was replaced while no listener
   * was registered. A badge offers a reload.
   */
  reloadReason: 'newer-data' | 'replaced' | null;
  /**
   * Set when this device's sync bookkeeping cannot be saved (IndexedDB full, closed or missing): sync
   * goes on with it held in memory for this page, and the message says so for a person. Else null.
   */
  localStateProblem: string | null;
}
