import { KEYS_BY_RELEASE } from './app-model.js';
import type { SimDevice } from './device.js';
import type { Violation } from './ledger.js';
import type { World } from './world.js';

/**
 * Violations of issues the simulation found, reported, and that need a decision beyond a small
 * fix. They are printed and counted apart; they fail a run only with `--strict`. Each entry says
 * what happens and the seed that shows it. Remove an entry once its issue is fixed: the seeds
 * then fail again until the fix is there.
 */
export const KNOWN_ISSUES: Record<string, string> = {
  'older-release-unowned-keys':
    'An older release neither sees nor writes the keys it does not own, but its syncs stand for the whole device. On a device ' +
    "running both releases, a replacement by the older one (use-server, pull) leaves the newer release's values of such keys " +
    'in localStorage, and the newer release then pushes them as edits (seed 1795971893). Across an account switch the older ' +
    "release finds the store empty and syncs it as the new account's; the previous account's synced values of the keys it " +
    'cannot see are now recorded (SyncRecord.foreign) and meet the newer release as other-account, but after forget() that ' +
    "account's record, and so what it had synced, is gone, and the newer release pushes the first account's values into the " +
    'new one (seeds 1444, 1879). A value the older release left behind after a pull, synced before, is asked about as a ' +
    'conflict by the newer release, which cannot tell it from an unsynced one (seed 1). Needs the record to say which keys ' +
    'the syncing release could see, and what the store held of the others.',
};

const tokenOf = (message: string): string | undefined => /=(e\d+)/.exec(message)?.[1];
const OLDER_RELEASE_ISSUE = 'older-release-unowned-keys';
const runsBothReleases = (device: SimDevice | undefined): device is SimDevice =>
  device !== undefined && new Set(device.tabs.map((tab) => tab.release)).size > 1;

/** Tags each violation of `world` that is an instance of a known issue (and what followed from it: the same value, elsewhere). */
export function classifyKnown(world: World, violations: Violation[]): void {
  const leaked = new Set<string>();
  const deviceIn = (message: string): SimDevice | undefined =>
    world.devices.find((d) => new RegExp(`\\b${d.name}\\b`).test(message));
  for (const violation of violations) {
    if (violation.known) continue;
    if (violation.invariant === 'no-silent-overwrite') {
      const overwrite = /from (d\d+) turned (\S+) from/.exec(violation.message);
      const device = world.devices.find((d) => d.name === overwrite?.[1]);
      if (runsBothReleases(device) && !(KEYS_BY_RELEASE.old as readonly string[]).includes(overwrite![2]!))
        violation.known = OLDER_RELEASE_ISSUE;
    }
    if (violation.invariant === 'needless-conflict') {
      // The newer release cannot tell a value the older one left behind (synced before) from an unsynced one, so it asks.
      const page = /^(d\d+)\//.exec(violation.message);
      if (runsBothReleases(world.devices.find((d) => d.name === page?.[1]))) violation.known = OLDER_RELEASE_ISSUE;
    }
    if (violation.invariant !== 'no-cross-account') continue;
    const device = deviceIn(violation.message);
    const token = tokenOf(violation.message);
    if ((runsBothReleases(device) && device.accountsSeen.size > 1) || (token !== undefined && leaked.has(token))) {
      violation.known = OLDER_RELEASE_ISSUE;
      if (token) leaked.add(token);
    }
  }
}
