import { snapshotFromEntries, type Snapshot } from '../contract/index.js';

/** Which side a collision takes: the local value, or the server's. */
export type MergePreference = 'local' | 'server';

/** What {@link threeWayMerge} made of two sides and their common base. */
export interface MergeResult {
  /** Every key of either side, each with the value the merge chose (absent keys are removed). */
  merged: Snapshot;
  /** Keys both sides changed to different values (a removal counts as a change), sorted; they took the preferred side. */
  collisions: string[];
}

const valueIn = (data: Snapshot, key: string): string | undefined => (Object.hasOwn(data, key) ? data[key] : undefined);

/**
 * Key-level three-way merge (DESIGN §9) of `local` and `server` against `base`, the data both
 * started from (the version this device last synced). Key by key: a key only one side changed
 * takes that side; a key both changed to the same value takes it; a key both changed to different
 * values, a removal included, is a collision and takes the `prefer`red side (default `local`).
 * Pure: the inputs are not modified.
 *
 * @example
 * threeWayMerge({ a: '1', b: '1' }, { a: '2', b: '1' }, { a: '1', b: '3' }) // { merged: { a: '2', b: '3' }, collisions: [] }
 */
export function threeWayMerge(
  base: Snapshot,
  local: Snapshot,
  server: Snapshot,
  prefer: MergePreference = 'local',
): MergeResult {
  const entries: [string, string][] = [];
  const collisions: string[] = [];
  for (const key of new Set([...Object.keys(base), ...Object.keys(local), ...Object.keys(server)])) {
    const b = valueIn(base, key);
    const l = valueIn(local, key);
    const s = valueIn(server, key);
    let value = l;
    if (l === b) value = s;
    else if (s !== b && s !== l) {
      collisions.push(key);
      if (prefer === 'server') value = s;
    }
    if (value !== undefined) entries.push([key, value]);
  }
  return { merged: snapshotFromEntries(entries), collisions: collisions.sort() };
}
