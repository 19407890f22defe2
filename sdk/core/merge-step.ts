import type { PullResponse, Snapshot } from '../contract/index.js';
import type { LocalView } from './local-view.js';
import type { ReplaceReason } from './sync-manager.js';
import type { Replacement } from './sync-record-store.js';
import type { ConflictReason } from './sync-state.js';
import { threeWayMerge, type MergePreference } from './three-way-merge.js';

/** Merges one sync operation may make (DESIGN §9): a merge whose push keeps losing the compare-and-swap race ends in a conflict. */
export const MERGE_ROUNDS = 3;

/** A person's choice on a key-level conflict: which side its colliding keys take, on the server version it showed. */
export interface MergeDecision {
  prefer: MergePreference;
  /** The colliding keys the person decided. */
  keys: readonly string[];
  /** The server version the conflict showed. */
  serverVersion: number;
}

/** The engine's effects a merge works through (see `sync-engine.ts`). */
export interface MergeSteps {
  /** The server's current data, checked against its checksum; null when nothing is stored. */
  pull(view: LocalView): Promise<PullResponse | null>;
  /** Writes the adapter's keys of `data` locally; null when the app wrote since `view` was read (nothing written). */
  replace(view: LocalView, reason: ReplaceReason, data: Snapshot): Promise<Replacement | null>;
  /** Records the server version as synced with `merged` held locally, tells the app, and pushes `merged` with compare-and-swap on that version. */
  rebase(view: LocalView, server: PullResponse, merged: Snapshot, replaced: Replacement): Promise<void>;
  /** Raises a conflict; `collisions` names the colliding keys of a key-level one, absent for a whole-data one. */
  conflict(view: LocalView, reason: ConflictReason, server: PullResponse | null, collisions?: string[]): Promise<void>;
  /**
   * Starts over from a fresh view: the app wrote while this merge ran (its edit is merged too, and a
   * person's choice still holds when `keepDecision`), or the server's data went away meanwhile.
   */
  again(view: LocalView, keepDecision: boolean): Promise<void>;
  /** Leaves a merge with no collision for the next start when the app cannot re-read replaced data now (DESIGN §7.4); true when it did. */
  postpone(view: LocalView): boolean;
}

/**
 * The merge of DESIGN §9 for a device with local changes that meets a newer server version: pulls
 * the server's data and merges it key by key with the local data against the base (the version
 * last synced). With no collision (or only keys a person decided, on the version they saw), the
 * merged data replaces the local data as an ordinary replacement and is pushed; a collision is a
 * conflict naming its keys. Without a base, or after {@link MERGE_ROUNDS} rounds, it is a conflict.
 */
export async function mergeWithServer(
  view: LocalView,
  reason: ConflictReason,
  steps: MergeSteps,
  decision?: MergeDecision,
): Promise<void> {
  const server = await steps.pull(view);
  const { base } = view.record;
  // Deleted since the check (or since the conflict was shown): the check decides afresh.
  if (!server) return steps.again(view, false);
  // No synced base: another tab kept the data on this device after a deletion (DESIGN §10) meanwhile, a first sync now.
  if (!base) return steps.conflict(view, view.record.lastSyncedChecksum === null ? 'first-sync' : reason, server);
  // A choice holds only for the server data it was made on: a newer version merges afresh.
  const decided = decision?.serverVersion === server.meta.version ? decision : undefined;
  const { merged, collisions } = threeWayMerge(base, view.data, server.data, decided?.prefer);
  view.merges = (view.merges ?? 0) + 1;
  if (collisions.some((key) => !decided?.keys.includes(key)) || view.merges > MERGE_ROUNDS)
    return steps.conflict(view, reason, server, collisions);
  if (!decision && steps.postpone(view)) return;
  const replaced = await steps.replace(view, decided?.prefer === 'server' ? 'use-server' : 'pull', merged);
  if (!replaced) return steps.again(view, true);
  return steps.rebase(view, server, merged, replaced);
}
