import type { Snapshot } from '../contract/index.js';

/**
 * The port between the sync manager and an app's local data. Implement it to sync something other
 * than localStorage keys; {@link keyPrefixAdapter} is the standard one.
 */
export interface StorageAdapter {
  /** Reads the app's data as a snapshot (a prototype-free object; see `snapshotFromEntries`). */
  collect(): Snapshot | Promise<Snapshot>;
  /**
   * Makes the local data equal `snapshot`, atomically: on any failure every key is left as it was
   * and an `ApplyError` (or `StorageQuotaError`) is thrown. Lets the app's stores know what changed.
   */
  apply(snapshot: Snapshot): void | Promise<void>;
  /** True when `key` belongs to this app's data. */
  owns(key: string): boolean;
}
