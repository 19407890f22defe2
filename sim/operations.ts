import { fetchTransport } from '../sdk/platform/fetch-transport.js';
import { KEYS_BY_RELEASE, SIM_APP } from './app-model.js';
import type { SimDevice } from './device.js';
import type { SimPage } from './page.js';
import type { Op } from './scenario.js';
import type { World } from './world.js';

const at = <T>(items: readonly T[], index: number): T | undefined =>
  items.length ? items[index % items.length] : undefined;

/** The tokens in a device's local data (every value an app writes is one) and in its open apps' memory, which they may write back. */
const localTokens = (device: SimDevice): string[] => [
  ...device.storage.dump().map(([, value]) => value),
  ...device.openPages().flatMap((page) => page.app.held()),
];

/** A person's action: its failure is part of the story, not of the simulation. */
async function act(world: World, page: SimPage, what: string, action: () => Promise<unknown>): Promise<void> {
  world.trace.add(`${page.name} person: ${what}`);
  try {
    await action();
  } catch (error) {
    world.trace.add(`${page.name} person: ${what} failed: ${String(error)}`);
  }
}

/**
 * Performs one op of a scenario. Ops that cannot happen now (an edit on a page that has not
 * rendered yet, a resolution without a conflict) do nothing. A person's action starts here and
 * goes on while the world does; the ledger records their choices before the SDK acts on them.
 */
export function applyOp(world: World, op: Op): void {
  const { trace, ledger } = world;
  if (op.kind === 'subscription') {
    const user = at(world.users, op.user)!;
    trace.add(`${user}'s subscription ${op.on ? 'allows' : 'no longer allows'} the app`);
    world.idp.setSubscribed(user, op.on);
    if (!op.on) world.faults.count('subscription-off');
    return;
  }
  const device = at(world.devices, op.device)!;
  switch (op.kind) {
    case 'offline':
    case 'online': {
      if (device.online === (op.kind === 'online')) return;
      device.online = op.kind === 'online';
      trace.add(`${device.name} goes ${op.kind}`);
      if (op.kind === 'offline') world.faults.count('offline');
      for (const page of device.openPages()) page.emit(op.kind);
      return;
    }
    case 'expire-token':
      trace.add(`${device.name}'s next token is already expired`);
      world.faults.count('expired-token');
      device.session.expire();
      return;
    case 'token-outage':
      trace.add(`${device.name}'s identity provider fails the next ${op.calls} getToken calls`);
      world.faults.count('token-outage');
      device.session.outage += op.calls;
      return;
    case 'sign-out':
      return signOut(world, device, op.clear);
    case 'sign-in': {
      const user = at(world.users, op.user)!;
      trace.add(`${user} signs in on ${device.name}${op.reload ? ' (pages reload)' : ''}`);
      const previous = device.lastUser;
      device.session.signIn(user);
      device.lastUser = user;
      device.accountsSeen.add(user);
      for (let slot = 0; slot < device.tabs.length; slot++) {
        // An app that keeps data in memory and let another account in without reloading would show
        // (and save) the previous account's copy by itself: it reloads, as such apps must.
        const keepsCopy = device.pages[slot]?.app.kind === 'memory' && previous !== user;
        if (op.reload || keepsCopy) world.openPage(device, slot);
        else device.pages[slot]?.emit('focus');
      }
      return;
    }
    case 'delete-cloud': {
      const page = device.openPages()[0];
      const user = device.session.user;
      if (!page || !user) return;
      const transport = fetchTransport({
        endpoint: 'https://sync.sim',
        app: SIM_APP,
        fetch: world.network.fetchFor(page),
      });
      void act(world, page, `deletes ${user}'s cloud data`, async () =>
        transport.delete((await device.session.getToken()) ?? ''),
      );
      return;
    }
    default:
      return pageOp(world, device, op);
  }
}

function pageOp(world: World, device: SimDevice, op: Extract<Op, { tab: number }>): void {
  const { trace, ledger } = world;
  const page = at(device.pages, op.tab);
  if (!page?.alive) return;
  const state = page.engine.getState();
  switch (op.kind) {
    case 'edit': {
      if (!page.rendered) return;
      const keys = KEYS_BY_RELEASE[page.spec.release];
      const key = keys[op.key % keys.length]!;
      page.app.edit(key, op.remove);
      trace.add(
        `${page.name} app ${op.remove ? 'removes' : 'sets'} ${key}${op.remove ? '' : `=${device.storage.getItem(key)}`}`,
      );
      return;
    }
    case 'clear':
      if (!page.rendered) return;
      trace.add(`${page.name} app clears its data`);
      return page.app.clear();
    case 'event':
      trace.add(`${page.name} ${op.event}`);
      return page.emit(op.event);
    case 'sync-now': {
      const caughtUp = world.live.nextCheck(page);
      return void act(world, page, 'Sync now', () => page.engine.syncNow().then(caughtUp));
    }
    case 'edit-burst':
      if (!page.rendered) return;
      return void act(world, page, `edits and syncs ${op.count} times`, async () => {
        const keys = KEYS_BY_RELEASE[page.spec.release];
        for (let i = 0; i < op.count && page.alive; i++) {
          const key = keys[(op.key + i) % keys.length]!;
          page.app.edit(key, false);
          trace.add(`${page.name} app sets ${key}=${device.storage.getItem(key)} (burst ${i + 1}/${op.count})`);
          await page.engine.syncNow();
        }
      });
    case 'reload':
      trace.add(`${page.name} is reloaded`);
      world.openPage(device, page.slot);
      return;
    case 'close-mid-push':
      // Reopened a second later (a reload), or later on, when other devices may have built on its push (a laptop lid).
      trace.add(
        `${page.name} is closed (hidden, pagehide, gone after ${op.afterMs} ms, back after ${op.reopenAfterMs} ms)`,
      );
      page.emit('hidden');
      page.emit('pagehide');
      void world.loop.sleep(op.afterMs, `${page.name} gone`).then(() => {
        if (device.pages[page.slot] !== page) return;
        page.close();
        void world.loop
          .sleep(op.reopenAfterMs, `${page.name} reopened`)
          .then(() => device.pages[page.slot] === page && world.openPage(device, page.slot));
      });
      return;
    case 'resolve': {
      const conflict = state.conflict;
      const user = device.session.user;
      if (state.status !== 'conflict' || !conflict || !user) return;
      if (conflict.keys) {
        // A key-level conflict (DESIGN §9): the choice decides its colliding keys, nothing else.
        ledger.decideKeys(
          device.name,
          op.choice,
          conflict.values.filter((value) => conflict.keys!.includes(value.key)),
        );
        if (op.choice === 'use-server')
          ledger.discard(
            device.name,
            conflict.keys.flatMap((key) => device.storage.getItem(key) ?? []),
          );
      } else if (op.choice === 'keep-local') {
        ledger.allowKeepLocal(user, device.name, conflict.serverVersion);
        ledger.grant(localTokens(device), user);
      } else if (conflict.reason !== 'cloud-deleted') {
        // Accepting a deletion keeps the data on the device: nothing is discarded.
        ledger.discard(device.name, localTokens(device));
      }
      return void act(world, page, `resolves the ${conflict.reason} conflict: ${op.choice}`, () =>
        page.engine.resolveConflict(op.choice),
      );
    }
    case 'restore': {
      const user = device.session.user;
      if (!user || !page.rendered) return;
      return void act(world, page, 'restores a kept version', async () => {
        const versions = await page.engine.listVersions();
        const version = at(versions, op.pick);
        if (version === undefined) return;
        const kept = await world.read(user, `/history/${version}`);
        if (kept.status !== 200) return;
        ledger.allowRestore(user, device.name, (kept.body.meta as { checksum: string }).checksum);
        ledger.discard(device.name, localTokens(device));
        trace.add(`${page.name} person: restore v${version}`);
        await page.engine.restore(version);
      });
    }
    case 'restore-backup': {
      if (!page.rendered) return;
      return void act(world, page, 'restores a local backup', async () => {
        const backups = await page.engine.listBackups();
        const backup = at(backups, op.pick);
        if (!backup) return;
        ledger.backupRestore(device.name);
        const before = new Map(device.storage.dump());
        trace.add(`${page.name} person: restore backup ${backup.id} ${JSON.stringify(backup.data)}`);
        const { base = {} } = device.session.user ? await device.records.getRecord(SIM_APP, device.session.user) : {};
        await page.engine.restoreBackup(backup.id);
        // The person chose the backup's values over what the page showed: edits that saw it. And
        // over what this device last synced, which the SDK merges against (sim seed 1796693862: an
        // old copy saved back had removed a synced value before the person restored).
        const after = new Map(device.storage.dump());
        for (const key of new Set([...before.keys(), ...after.keys()])) {
          if (before.get(key) === after.get(key)) continue;
          ledger.edit(device.name, key, before.get(key) ?? null, after.get(key) ?? null);
          ledger.edit(device.name, key, base[key] ?? null, after.get(key) ?? null);
        }
      });
    }
  }
}

/** The app's sign-out: `forget()`, maybe clearing its data, then every page reloads signed out. */
function signOut(world: World, device: SimDevice, clear: boolean): void {
  const page = device.openPages().find((p) => p.rendered);
  if (!page || device.session.user === null) return;
  const user = device.session.user;
  void act(world, page, `signs ${user} out${clear ? ' and clears local data' : ''}`, async () => {
    // The app signs out whatever forget() answers (it rejects when getToken fails and no sync ran).
    try {
      page.forgetting++;
      await page.engine.forget();
    } finally {
      page.forgetting--;
      if (clear && page.alive) page.app.clear();
      device.session.signIn(null);
      for (let slot = 0; slot < device.tabs.length; slot++) world.openPage(device, slot);
    }
  });
}
