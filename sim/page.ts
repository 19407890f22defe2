import { keyPrefixAdapter } from '../sdk/adapters/key-prefix.js';
import type { Snapshot } from '../sdk/contract/index.js';
import type { Platform, PlatformEvent, StorageAdapter } from '../sdk/core/ports.js';
import type { SyncEngine } from '../sdk/core/sync-engine.js';
import type { SyncRecordStore } from '../sdk/core/sync-record-store.js';
import type { SyncState } from '../sdk/core/sync-state.js';
import { createSync } from '../sdk/create-sync.js';
import { KEYS_BY_RELEASE, liveApp, memoryApp, type AppKind, type Release, type SimApp } from './app-model.js';
import type { SimDevice } from './device.js';
import type { Sender } from './network.js';
import type { World } from './world.js';

/** What runs on one tab: which app, which release, and what the SDK does without an `onReplace` listener. */
export interface TabSpec {
  app: AppKind;
  release: Release;
  withoutReplaceListener: 'reload' | 'defer';
  /** The app turned live updates on (`live`, DESIGN §9): announcements of new versions reach this page. */
  live?: boolean;
}

/** The SDK's debounce in the simulation: shorter than the default, so runs reach pushes sooner. */
export const SIM_DEBOUNCE_MS = 3_000;
/** The SDK's request timeout in the simulation: the default. */
export const SIM_REQUEST_TIMEOUT_MS = 30_000;

/** The SDK's page events, driven by the simulation. */
class SimPlatform implements Platform {
  private readonly listeners = new Set<(event: PlatformEvent) => void>();
  constructor(
    private readonly device: SimDevice,
    private readonly onReload: () => void,
  ) {}
  isOnline = (): boolean => this.device.online;
  listen(listener: (event: PlatformEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  reload(): void {
    this.onReload();
  }
  emit(event: PlatformEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}

/**
 * One page load of a tab: the real SDK (`createSync` with every port injected: the network's
 * fetch, the device's localStorage, IndexedDB stand-in, lock and tab channel, simulated time and a
 * seeded random) and the app on top of it. Closing the page stops its manager; from then on any
 * write it makes to the device is a violation (DESIGN §7.6).
 */
export class SimPage implements Sender {
  readonly name: string;
  readonly engine: SyncEngine;
  readonly app: SimApp;
  readonly platform: SimPlatform;
  alive = true;
  /**
   * How many `forget()` calls the app made while the page was open are running (a person may sign
   * out twice at once, sim seed 1796702242): each stops the manager and then writes the record by
   * design, and a page closed meanwhile (another tab's sign-in reloads it) would in a browser just
   * end it, so its writes are not the stopped manager's own.
   */
  forgetting = 0;
  rendered = false;
  inFlight = 0;
  /** Requests this page has sent so far (the live checks count them). */
  requestsSent = 0;
  /** When the state last became `syncing`, or last sent or heard back from a request while syncing (simulated ms). */
  busySince: number | null = null;
  state: SyncState;

  constructor(
    private readonly world: World,
    readonly device: SimDevice,
    readonly slot: number,
    incarnation: number,
    readonly spec: TabSpec,
  ) {
    this.name = `${device.name}/tab${slot}${incarnation ? `#${incarnation}` : ''}`;
    const keys = KEYS_BY_RELEASE[spec.release];
    this.platform = new SimPlatform(device, () => world.requestReload(this));
    const networkFetch = world.network.fetchFor(this);
    // A request sent or answered while syncing is progress: a chain of slow answers is not a hang.
    const progressed = (): void => {
      if (this.busySince !== null) this.busySince = world.clock.now();
    };
    const fetch: typeof globalThis.fetch = (input, init) => {
      this.requestsSent++;
      progressed();
      return networkFetch(input, init).finally(progressed);
    };
    this.engine = createSync({
      app: 'tenure',
      endpoint: 'https://sync.sim',
      getToken: device.session.getToken,
      adapter: this.observed(keyPrefixAdapter({ keys, storage: this.guardedStorage() })),
      fetch,
      platform: this.platform,
      lock: device.lock,
      recordStore: this.guardedRecords(),
      clock: world.clock,
      random: world.random,
      channel: device.channels(),
      deviceId: device.name,
      deviceName: `Sim ${device.name}`,
      debounceMs: SIM_DEBOUNCE_MS,
      requestTimeoutMs: SIM_REQUEST_TIMEOUT_MS,
      withoutReplaceListener: spec.withoutReplaceListener,
      ...(spec.live && { live: world.live.updatesFor(this, fetch) }),
    }) as SyncEngine;
    const context = {
      device: device.name,
      storage: device.storage,
      keys,
      ledger: world.ledger,
      // Typed while signed out (every sign-out here is forget()): nobody's until an account syncs it
      // (DESIGN §7.1 names only data last synced by another account, or typed while its record exists).
      accounts: () => [device.session.user, ...(device.dataOwner === null ? [] : [device.dataOwner])],
      notify: () => this.engine.notifyChanged(),
      fromSdk: (key: string) => device.fromSdk.has(key) && device.fromSdk.get(key) === device.storage.getItem(key),
      wrote: (key: string) => void device.fromSdk.delete(key),
    };
    this.app = spec.app === 'live' ? liveApp(context) : memoryApp(context);
    // A live app reads localStorage every time: its listener has nothing to refresh, and says so.
    if (spec.app === 'live') this.engine.onReplace(() => {});
    this.state = this.engine.getState();
    this.engine.subscribe((state) => this.observe(state));
  }

  online = (): boolean => this.device.online;
  isOpen = (): boolean => this.alive;

  /** Opens the page: `await sync.start()`, then the app renders (getting-started's order). */
  open(): void {
    this.world.trace.add(
      `${this.name} opens (${this.spec.app} app, ${this.spec.release} release, ${this.spec.withoutReplaceListener}${this.spec.live ? ', live' : ''})`,
    );
    void this.engine.start().then(() => {
      if (!this.alive) return;
      this.app.render();
      this.rendered = true;
    });
  }

  /** Closes the page: its manager stops (as a page that goes away does) and its channel closes. */
  close(): void {
    if (!this.alive) return;
    this.engine.stop();
    this.alive = false;
    this.world.trace.add(`${this.name} closes`);
  }

  emit(event: PlatformEvent): void {
    if (this.alive) this.platform.emit(event);
  }

  private observe(state: SyncState): void {
    const previous = this.state;
    this.state = state;
    if (!this.alive) return;
    if (state.status === 'syncing' && previous.status !== 'syncing') this.busySince = this.world.clock.now();
    if (state.conflict && state.conflict !== previous.conflict && this.device.session.user) {
      const keys = KEYS_BY_RELEASE[this.spec.release];
      const local = Object.fromEntries(
        keys.flatMap((key) =>
          this.device.storage.getItem(key) === null ? [] : [[key, this.device.storage.getItem(key)!]],
        ),
      );
      this.world.ledger.conflictRaised(
        this.device.session.user,
        this.device.name,
        this.name,
        state.conflict.reason,
        local,
        keys,
      );
      this.world.ledger.mergeConflictRaised(
        this.device.session.user,
        this.name,
        state.conflict,
        new Set(this.device.tabs.map((tab) => tab.release)).size === 1,
      );
    }
    if (state.status !== 'syncing') this.busySince = null;
    if (state.status !== previous.status || state.version !== previous.version) {
      const detail = state.conflict
        ? ` (${state.conflict.reason}, server v${state.conflict.serverVersion})`
        : state.error
          ? ` (${state.error.code})`
          : state.disabledReason
            ? ` (${state.disabledReason})`
            : '';
      this.world.trace.add(`${this.name} ${state.status} v${state.version}${detail}`);
    }
  }

  /** The device's localStorage as the adapter sees it: a write after this page stopped is reported. */
  private guardedStorage(): Storage {
    const storage = this.device.storage;
    const checked = (what: string): void => {
      if (!this.alive)
        this.world.ledger.violate(
          'stopped-writes',
          `${this.name} wrote localStorage (${what}) after its manager stopped`,
        );
    };
    return new Proxy(storage, {
      get: (target, property) => {
        if (property === 'setItem')
          return (key: string, value: string) => (checked(`set ${key}`), target.setItem(key, value));
        if (property === 'removeItem') return (key: string) => (checked(`remove ${key}`), target.removeItem(key));
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** The device's sync record store as this page's manager sees it: writes after stop are reported, backups are checked. */
  private guardedRecords(): SyncRecordStore {
    const records = this.device.records;
    const ledger = this.world.ledger;
    const checked = (what: string): void => {
      if (!this.alive && this.forgetting === 0)
        ledger.violate('stopped-writes', `${this.name} wrote its sync record (${what}) after its manager stopped`);
    };
    // IndexedDB answers later, not in the same turn: with `idbTurns` each call is a task of the
    // loop, so other tabs, answers and closes interleave with the record's reads and writes.
    const later = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
      if (this.world.scenario.idbTurns) await this.world.loop.turn(`${this.name} idb ${what}`);
      return call();
    };
    return {
      ...records,
      getRecord: (app, user) => later('get record', () => records.getRecord(app, user)),
      getOwner: (app) => later('get owner', () => records.getOwner(app)),
      deviceId: (create) => records.deviceId(create),
      listBackups: (app, owner) => later('list backups', () => records.listBackups(app, owner)),
      setRecord: (app, user, record) => {
        checked(`record of ${user}`);
        return later('set record', () => records.setRecord(app, user, record));
      },
      setOwner: (app, user) => {
        checked(`owner ${user}`);
        return later('set owner', () => {
          this.device.dataOwner = user;
          return records.setOwner(app, user);
        });
      },
      addBackup: (backup) => {
        checked(`backup for ${backup.owner}`);
        return later('add backup', () => {
          ledger.backupAdded(this.device.name, backup.owner, backup.data);
          return records.addBackup(backup);
        });
      },
    };
  }

  /** The adapter, watched: each replacement of local data is checked against the ledger. */
  private observed(adapter: StorageAdapter): StorageAdapter {
    return {
      owns: adapter.owns,
      collect: () => adapter.collect(),
      apply: async (snapshot: Snapshot) => {
        const before = await adapter.collect();
        await adapter.apply(snapshot);
        const after = await adapter.collect();
        for (const key of new Set([...Object.keys(before), ...Object.keys(after)]))
          if (before[key] !== after[key]) this.device.fromSdk.set(key, after[key] ?? null);
        this.world.ledger.replaced(this.device.name, this.device.session.user, before, after, this.name);
        this.world.trace.add(`${this.name} SDK wrote local data ${JSON.stringify(after)}`);
      },
    };
  }
}
