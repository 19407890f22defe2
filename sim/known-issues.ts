import type { Violation } from './ledger.js';
import type { World } from './world.js';

/**
 * Violations of issues the simulation found, reported, and that need a decision beyond a small
 * fix. They are printed and counted apart; they fail a run only with `--strict`. Each entry says
 * what happens and the seed that shows it. Remove an entry once its issue is fixed: the seeds
 * then fail again until the fix is there.
 */
export const KNOWN_ISSUES: Record<string, string> = {
  'version-reuse-after-delete':
    'After a DELETE, version numbers start again at 1. A device that synced v1 before the DELETE pushes against v1 after ' +
    "another device pushed a new v1, and the compare-and-swap (on the version number alone) accepts it over data it never saw. " +
    'Needs the push to carry its base checksum (the patch format of DESIGN §8 has it) or numbering that survives a DELETE. Seed 1572.',
  'mixed-release-account-switch':
    'An older release cannot see the keys it does not own: on a device where a newer release holds unsynced values of such keys ' +
    "and another account signs in without a sign-out, the older release finds the store empty, syncs it as the new account's, " +
    "and the newer release then pushes the first account's values into it. Seed 1250.",
};

export const VERSION_REUSE_AFTER_DELETE = 'version-reuse-after-delete';

const tokenOf = (message: string): string | undefined => /=(e\d+)/.exec(message)?.[1];

/** Tags each violation of `world` that is an instance of a known issue (and what followed from it: the same value, elsewhere). */
export function classifyKnown(world: World, violations: Violation[]): void {
  const leaked = new Set<string>();
  for (const violation of violations) {
    if (violation.known || violation.invariant !== 'no-cross-account') continue;
    const device = world.devices.find((d) => new RegExp(`\\b${d.name}\\b`).test(violation.message));
    const mixedReleases = device !== undefined && new Set(device.tabs.map((tab) => tab.release)).size > 1;
    const token = tokenOf(violation.message);
    if ((mixedReleases && device.accountsSeen.size > 1) || (token !== undefined && leaked.has(token))) {
      violation.known = 'mixed-release-account-switch';
      if (token) leaked.add(token);
    }
  }
}
