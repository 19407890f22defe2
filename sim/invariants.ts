import { canonicalJson, checksum, type Snapshot, type VersionRecord } from '../sdk/contract/index.js';
import { KEYS_BY_RELEASE } from './app-model.js';
import { KEPT_ON_DEVICE_REASON } from '../sdk/core/cloud-deleted.js';
import { SIM_REQUEST_TIMEOUT_MS } from './page.js';
import { checkPatchPull } from './patch-pulls.js';
import type { World } from './world.js';

/** How long past its request timeout a page may still show `syncing` (the answer's trip back, local work). */
const SYNCING_SLACK_MS = 5_000;
/** The server keeps this many versions (DESIGN §1). */
const VERSIONS_KEPT = 5;

/**
 * What every reader of `user`'s data sees is consistent (DESIGN §5): pull's data hashes to its
 * meta's checksum and is what was committed as that version; meta agrees with pull; every listed
 * version can be fetched and holds what was committed as it; every acknowledged version no DELETE
 * may have removed is listed until it ages out of the last 5; a pull since the oldest kept version
 * that answers a patch leads from it to the current data; and no history file in the bucket holds data
 * that was never committed as its version.
 */
export async function checkServer(world: World, user: string): Promise<void> {
  const { ledger } = world;
  const fail = (message: string): void => ledger.violate('readers-consistent', `${user}: ${message}`);
  const meta = await world.read(user, '/meta');
  const pull = await world.read(user, '/pull');
  let current = 0;
  let available: number[] = [];
  if (pull.status === 404) {
    if (meta.status !== 200 || meta.body.exists !== false)
      fail(`pull says nothing is stored, meta says ${JSON.stringify(meta.body).slice(0, 200)}`);
    // A tombstone (DESIGN §10): meta and pull say the same deletion, above every version ever committed.
    const deleted = JSON.stringify(meta.body.deleted ?? null);
    if (JSON.stringify(pull.body.deleted ?? null) !== deleted)
      fail(`pull says deleted ${JSON.stringify(pull.body.deleted ?? null)}, meta ${deleted}`);
    const tombstone = (meta.body.deleted as { version: number } | undefined)?.version;
    if (tombstone !== undefined && tombstone < ledger.highestVersion(user))
      fail(`the tombstone v${tombstone} is served though v${ledger.highestVersion(user)} was committed after it`);
  } else if (pull.status !== 200 || meta.status !== 200) {
    return fail(`pull answered ${pull.status}, meta ${meta.status}: ${JSON.stringify(pull.body).slice(0, 200)}`);
  } else {
    const record = pull.body.meta as VersionRecord;
    const data = pull.body.data as Snapshot;
    current = record.version;
    available = pull.body.availableVersions as number[];
    if ((await checksum(data)) !== record.checksum)
      fail(`pull's data does not hash to its checksum (v${record.version})`);
    if (!ledger.wasCommitted(user, record.version, canonicalJson(data)))
      fail(`pull serves v${record.version} with data never committed as v${record.version}`);
    const metaRecord = meta.body.meta as VersionRecord | null;
    if (metaRecord?.version !== record.version || metaRecord.checksum !== record.checksum)
      fail(`meta shows v${metaRecord?.version}, pull v${record.version}`);
    if (available.at(-1) !== current)
      fail(`availableVersions ${JSON.stringify(available)} does not end at the current v${current}`);
    for (const version of available) {
      const kept = await world.read(user, `/history/${version}`);
      if (kept.status !== 200) {
        fail(`v${version} is listed as available but history/${version} answers ${kept.status}`);
        continue;
      }
      const keptData = kept.body.data as Snapshot;
      const keptRecord = kept.body.meta as VersionRecord;
      if ((await checksum(keptData)) !== keptRecord.checksum) fail(`history/${version} does not hash to its checksum`);
      if (!ledger.wasCommitted(user, version, canonicalJson(keptData)))
        fail(`history/${version} serves data never committed as v${version}`);
      // The oldest kept version's patch composes every kept change file: it checks them all.
      if (version === available[0])
        await checkPatchPull(
          world,
          user,
          { record: keptRecord, data: keptData },
          { record: pull.body.meta as VersionRecord, data: pull.body.data as Snapshot },
          fail,
        );
    }
  }
  for (const ack of ledger.protectedAcks(user)) {
    if (ack.version > current) {
      ledger.violate(
        'acknowledged-version',
        `${user}: v${ack.version} was acknowledged but the server is at v${current} and no DELETE ran since`,
      );
    } else if (ack.version > current - VERSIONS_KEPT && !available.includes(ack.version)) {
      ledger.violate(
        'acknowledged-version',
        `${user}: acknowledged v${ack.version} is missing from the kept versions ${JSON.stringify(available)} at v${current}`,
      );
    }
  }
  const prefix = `sync/${user}/`;
  for (const [key, text] of world.bucket.dump(prefix)) {
    const version = /\/history\/(\d+)\.json$/.exec(key)?.[1];
    if (version && !ledger.wasCommitted(user, Number(version), text))
      fail(`${key} holds data never committed as v${version}`);
  }
}

/** No page shows `syncing` for longer than its request timeout allows (DESIGN §7.6: nothing hangs). */
export function checkNothingHangs(world: World): void {
  const now = world.clock.now();
  for (const device of world.devices) {
    for (const page of device.openPages()) {
      if (
        page.busySince !== null &&
        now - page.busySince > SIM_REQUEST_TIMEOUT_MS + SYNCING_SLACK_MS &&
        page.inFlight === 0
      ) {
        world.ledger.violate(
          'progress',
          `${page.name} has shown "syncing" for ${((now - page.busySince) / 1000).toFixed(1)} s with no request in flight`,
        );
        page.busySince = now;
      }
    }
  }
}

/**
 * Progress: every open page of a signed-in device is `synced` at its account's head version and
 * holds exactly the server's data for the keys its release owns. Returns what is not there yet.
 */
export async function unsettled(world: World): Promise<string[]> {
  const problems: string[] = [];
  const heads = new Map<string, { version: number; data: Snapshot }>();
  for (const user of world.users) {
    const pull = await world.read(user, '/pull');
    const deleted = (pull.body.deleted as { version: number } | undefined)?.version ?? 0;
    heads.set(
      user,
      pull.status === 200
        ? { version: (pull.body.meta as VersionRecord).version, data: pull.body.data as Snapshot }
        : { version: deleted, data: {} },
    );
  }
  for (const device of world.devices) {
    const user = device.session.user;
    if (!user) continue;
    const head = heads.get(user)!;
    for (const page of device.openPages()) {
      const state = page.engine.getState();
      // The person kept this device's data after a deletion (cloud-deleted, use-server): it stays out of sync by choice.
      if (state.status === 'disabled' && state.disabledReason === KEPT_ON_DEVICE_REASON) continue;
      const keys = KEYS_BY_RELEASE[page.spec.release];
      const local = Object.fromEntries(
        keys.flatMap((key) => (device.storage.getItem(key) === null ? [] : [[key, device.storage.getItem(key)!]])),
      );
      const server = Object.fromEntries(
        keys.flatMap((key) => (head.data[key] === undefined ? [] : [[key, head.data[key]!]])),
      );
      if (
        state.status !== 'synced' ||
        state.version !== head.version ||
        JSON.stringify(local) !== JSON.stringify(server)
      ) {
        problems.push(
          `${page.name} (${user}): ${state.status} v${state.version}${state.conflict ? ` ${state.conflict.reason}` : ''}${state.error ? ` ${state.error.code}` : ''}, local ${JSON.stringify(local)}; server v${head.version} ${JSON.stringify(server)}`,
        );
      }
    }
  }
  return problems;
}
