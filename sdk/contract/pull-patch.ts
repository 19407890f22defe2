import type { PushPatch } from './push-patch.js';
import { snapshotFromEntries } from './snapshot.js';
import type { PullResponse } from './wire.js';

/**
 * `GET /api/sync/{app}/pull?since=N` answered as the changes since version `N` (DESIGN §9, wire
 * version 3): applying `patch` to the data of `baseVersion`, whose checksum is `baseChecksum`,
 * gives the data of `meta.version`, whose checksum is `meta.checksum`. `baseVersion` equal to
 * `meta.version` is an empty patch: nothing changed. Everything but `data` is as in a full pull.
 */
export interface PatchPullResponse extends Omit<PullResponse, 'data'> {
  /** The version the patch applies to: the `since` of the request. */
  baseVersion: number;
  /** Checksum of the data of `baseVersion`. */
  baseChecksum: string;
  /** The keys set and removed between `baseVersion` and `meta.version`. */
  patch: PushPatch;
}

/** What a pull answers: the full data, or (when the request named `since`) possibly a patch. */
export type PullAnswer = PullResponse | PatchPullResponse;

/** True when a pull answered a patch rather than the full data. */
export const isPatchPull = (answer: PullAnswer): answer is PatchPullResponse => 'patch' in answer;

/**
 * The patches that lead from one version to the next, folded into one patch from the first
 * one's base to the last one's result: a later change of a key wins, a key set again after a
 * removal is no longer removed. `remove` may name keys the base never held (added and removed
 * since); applying the patch ignores them.
 */
export function composePatches(patches: readonly PushPatch[]): PushPatch {
  const set = new Map<string, string>();
  const removed = new Set<string>();
  for (const patch of patches) {
    for (const key of patch.remove) {
      set.delete(key);
      removed.add(key);
    }
    for (const key of Object.keys(patch.set)) {
      set.set(key, patch.set[key]!);
      removed.delete(key);
    }
  }
  return { set: snapshotFromEntries(set), remove: [...removed].sort() };
}
