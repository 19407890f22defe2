import { snapshotFromEntries, type Snapshot } from './snapshot.js';

/**
 * A push's change against its base version's data (DESIGN §8): the keys set (with their new
 * values) and the keys removed. Applying it to the base gives exactly the pushed data.
 */
export interface PushPatch {
  /** Keys whose value is new or changed, with the value. */
  set: Snapshot;
  /** Keys the base holds and the pushed data does not, sorted. */
  remove: string[];
}

/**
 * The patch that turns `base` into `next`: every key of `next` whose value differs (or is new),
 * and every key of `base` that `next` lacks.
 *
 * @example
 * patchBetween({ a: '1', b: '2' }, { a: '1', c: '3' }) // { set: { c: '3' }, remove: ['b'] }
 */
export function patchBetween(base: Snapshot, next: Snapshot): PushPatch {
  const set = Object.keys(next)
    .filter((key) => !Object.hasOwn(base, key) || base[key] !== next[key])
    .map((key) => [key, next[key]!] as const);
  const remove = Object.keys(base)
    .filter((key) => !Object.hasOwn(next, key))
    .sort();
  return { set: snapshotFromEntries(set), remove };
}

/**
 * `base` with `patch` applied: a new snapshot, `base` untouched. A key both set and removed is
 * refused by {@link isPushPatch}, so the order does not matter.
 */
export function applyPatch(base: Snapshot, patch: PushPatch): Snapshot {
  const removed = new Set(patch.remove);
  return snapshotFromEntries([
    ...Object.entries(base).filter(([key]) => !removed.has(key) && !Object.hasOwn(patch.set, key)),
    ...Object.entries(patch.set),
  ]);
}
