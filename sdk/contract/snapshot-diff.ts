import type { Snapshot } from './snapshot.js';

/** Which keys differ between a local and a server snapshot, for a conflict dialog. */
export interface SnapshotDiff {
  /** Keys only in the local snapshot. */
  added: string[];
  /** Keys only in the server snapshot. */
  removed: string[];
  /** Keys in both with different values. */
  changed: string[];
}

/** Compares two snapshots key by key; each list is sorted. */
export function diffSnapshots(local: Snapshot, server: Snapshot): SnapshotDiff {
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (const key of Object.keys(local)) {
    if (!Object.hasOwn(server, key)) added.push(key);
    else if (server[key] !== local[key]) changed.push(key);
  }
  for (const key of Object.keys(server)) if (!Object.hasOwn(local, key)) removed.push(key);
  return { added: added.sort(), removed: removed.sort(), changed: changed.sort() };
}
