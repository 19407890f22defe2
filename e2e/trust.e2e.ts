// Nothing lost, nothing leaked (DESIGN §7.1-7.3, §7.6), in each engine against `wrangler dev`:
// a shared browser with two accounts, an emptied store, an older release, a lost answer that
// another device built on, and a request that never answers. Each device's page loads the built
// SDK and drives managers from page scripts; its relay loses answers and stalls requests.
import { expect, it } from 'vitest';
import type { SyncState } from '../sdk/core/sync-state.js';
import { eachEngine, WAIT_MS, type Device, type Devices, type Tab } from './support/device.js';
import { ServerClient, uniqueUser } from './support/server.js';

interface LabOptions {
  user: string;
  keys: string[];
  deviceId: string;
  requestTimeoutMs?: number;
}

/** A page of one device with the built SDK loaded, and a manager per call of `manager()`. */
class Lab {
  private constructor(
    readonly device: Device,
    readonly tab: Tab,
  ) {}

  /** A new device, or with `device` a new tab of it (same storage, same locks). */
  static async open(devices: Devices, device?: Device): Promise<Lab> {
    const owner = device ?? (await devices.blank());
    const tab = device ? await owner.openTab('/index.html') : owner.tab;
    if (!device) await owner.goto('/index.html');
    // Evaluated as text, so the test runner's transform leaves this page-side import() alone.
    await owner.evaluate(
      (source) => (0, eval)(source) as Promise<void>,
      "import('/vendor/taco-sync/index.js').then((sdk) => { window.lab = { sdk, managers: {} }; })",
      tab,
    );
    return new Lab(owner, tab);
  }

  /** Creates (and starts) a manager named `name` for `user` syncing exactly `keys`; returns the state once `start()` settled. */
  async manager(name: string, options: LabOptions): Promise<SyncState> {
    await this.device.evaluate(
      async ({ name, options }) => {
        const lab = (window as any).lab;
        const res = await fetch(`/__dev/token?sub=${encodeURIComponent(options.user)}&subscriptions=taco_club`);
        let token: string | null = ((await res.json()) as { token: string }).token;
        const sync = lab.sdk.createSync({
          app: 'tenure',
          endpoint: location.origin,
          getToken: () => token,
          adapter: lab.sdk.keyPrefixAdapter({ keys: options.keys }),
          deviceId: options.deviceId,
          requestTimeoutMs: options.requestTimeoutMs,
        });
        // The "app" reads localStorage directly, so it always sees what a replacement wrote.
        sync.onReplace(() => {});
        lab.managers[name] = { sync, signOut: () => (token = null) };
      },
      { name, options },
      this.tab,
    );
    return this.call(name, 'start');
  }

  state(name: string): Promise<SyncState> {
    return this.device.evaluate((name) => (window as any).lab.managers[name].sync.getState(), name, this.tab);
  }

  /**
   * Runs `method` of manager `name` (start, syncNow, stop, forget, resolveConflict...) and returns the
   * state it left. The call runs in the page while the test polls for its end: in WebKit a
   * device's tabs share one WebDriver session whose commands take turns, so a script that waited
   * through a request's timeout would hold the device's other tabs back meanwhile.
   */
  async call(name: string, method: string, ...args: unknown[]): Promise<SyncState> {
    await this.device.evaluate(
      ({ name, method, args }) => {
        const manager = (window as any).lab.managers[name];
        manager.outcome = undefined;
        // The state is read the moment the call settles: a retry scheduled meanwhile may change it
        // before the test's next poll reaches the page.
        new Promise((resolve) => resolve(manager.sync[method](...args))).then(
          () => (manager.outcome = { state: manager.sync.getState() }),
          (error: unknown) => (manager.outcome = { failed: String(error) }),
        );
      },
      { name, method, args },
      this.tab,
    );
    const outcome = await this.device.waitFor(
      (name) => (window as any).lab.managers[name].outcome as { state: SyncState } | { failed: string },
      name,
      { tab: this.tab },
    );
    if ('failed' in outcome) throw new Error(`${method}() failed: ${outcome.failed}`);
    return outcome.state;
  }

  set(entries: Record<string, string | null>): Promise<void> {
    return this.device.evaluate(
      (entries) => {
        for (const [key, value] of Object.entries(entries)) {
          if (value === null) localStorage.removeItem(key);
          else localStorage.setItem(key, value);
        }
      },
      entries,
      this.tab,
    );
  }

  get(key: string): Promise<string | null> {
    return this.device.evaluate((key) => localStorage.getItem(key), key, this.tab);
  }

  blur(): Promise<void> {
    return this.device.evaluate(() => void window.dispatchEvent(new Event('blur')), undefined, this.tab);
  }

  async waitFor(name: string, ok: (state: SyncState) => boolean, timeout = WAIT_MS): Promise<SyncState> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const state = await this.state(name);
      if (ok(state) || Date.now() > deadline) return state;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

eachEngine('nothing lost, nothing leaked, against wrangler dev', (devices) => {
  it("a second account on the same browser gets an other-account conflict, never the first account's data", async () => {
    const alice = uniqueUser('alice');
    const bob = uniqueUser('bob');
    const lab = await Lab.open(devices);
    await lab.set({ t_diary: "alice's diary" });
    expect(await lab.manager('alice', { user: alice, keys: ['t_diary'], deviceId: 'shared' })).toMatchObject({
      status: 'synced',
      version: 1,
    });
    await lab.call('alice', 'stop');

    const state = await lab.manager('bob', { user: bob, keys: ['t_diary'], deviceId: 'shared' });
    expect(state).toMatchObject({ status: 'conflict', conflict: { reason: 'other-account' } });
    expect((await new ServerClient(bob).meta()).exists).toBe(false);
    expect(
      await lab.device.evaluate(() => (window as any).lab.managers.bob.sync.listBackups(), undefined, lab.tab),
    ).toEqual([]);
    await lab.call('bob', 'resolveConflict', 'use-server');
    expect(await lab.get('t_diary')).toBeNull();
    expect((await new ServerClient(alice).pull()).data.t_diary).toBe("alice's diary");
  });

  it('an emptied store raises local-emptied and never pushes {} over the data', async () => {
    const user = uniqueUser('emptied');
    const server = new ServerClient(user);
    const lab = await Lab.open(devices);
    await lab.set({ t_a: 'one', t_b: 'two' });
    await lab.manager('app', { user, keys: ['t_a', 't_b'], deviceId: 'laptop' });
    await lab.set({ t_a: null, t_b: null });
    await lab.blur();
    const state = await lab.waitFor('app', (s) => s.status === 'conflict');
    expect(state.conflict?.reason).toBe('local-emptied');
    expect((await server.pull()).data).toEqual({ t_a: 'one', t_b: 'two' });
  });

  it('an older release carries the keys of a newer release into its pushes', async () => {
    const user = uniqueUser('release');
    const server = new ServerClient(user);
    const newer = await Lab.open(devices);
    await newer.set({ k1: 'a', k2: 'b', k3: 'only the newer release syncs this' });
    await newer.manager('app', { user, keys: ['k1', 'k2', 'k3'], deviceId: 'newer' });

    const older = await Lab.open(devices);
    expect(await older.manager('app', { user, keys: ['k1', 'k2'], deviceId: 'older' })).toMatchObject({
      status: 'synced',
      version: 1,
    });
    expect(await older.get('k3')).toBeNull();
    await older.set({ k1: 'edited on the older release' });
    await older.blur();
    await older.waitFor('app', (s) => s.status === 'synced' && s.version === 2);
    expect((await server.pull()).data).toEqual({
      k1: 'edited on the older release',
      k2: 'b',
      k3: 'only the newer release syncs this',
    });
  });

  it('finds its own push after a lost answer although another device built on it, and pulls', async () => {
    const user = uniqueUser('lost');
    const server = new ServerClient(user);
    const laptop = await Lab.open(devices);
    await laptop.set({ t_a: '1' });
    await laptop.manager('app', { user, keys: ['t_a', 't_b'], deviceId: 'laptop' });
    // The push reaches the Worker and commits; its answer never reaches the page.
    const answersLost = laptop.device.interfere('/api/sync/tenure/push', 'drop-answer');
    await laptop.set({ t_a: 'laptop edit' });
    await laptop.call('app', 'syncNow');
    expect((await server.meta()).meta).toMatchObject({ version: 2, deviceId: 'laptop' });
    await laptop.call('app', 'stop');
    answersLost();

    const phone = await Lab.open(devices);
    await phone.manager('app', { user, keys: ['t_a', 't_b'], deviceId: 'phone' });
    await phone.set({ t_b: 'phone edit' });
    await phone.call('app', 'syncNow');
    expect((await server.meta()).meta?.version).toBe(3);

    const reopened = await Lab.open(devices, laptop.device);
    expect(await reopened.manager('again', { user, keys: ['t_a', 't_b'], deviceId: 'laptop' })).toMatchObject({
      status: 'synced',
      version: 3,
    });
    expect(await reopened.get('t_b')).toBe('phone edit');
  });

  it('gives up on a request that never answers after its timeout, frees the lock for the other tab, and retries', async () => {
    const user = uniqueUser('stall');
    const lab = await Lab.open(devices);
    await lab.set({ t_a: 'typed' });
    lab.device.interfere('/api/sync/tenure/meta', 'stall', 1); // never answered
    const first = lab.manager('stuck', { user, keys: ['t_a'], deviceId: 'tabs', requestTimeoutMs: 3_000 });
    const other = await Lab.open(devices, lab.device);
    const otherState = await other.manager('other', { user, keys: ['t_a'], deviceId: 'tabs', requestTimeoutMs: 3_000 });
    expect(otherState).toMatchObject({ status: 'synced', version: 1 });
    expect(await first).toMatchObject({ status: 'pending', error: { code: 'NETWORK' } });
    expect((await lab.waitFor('stuck', (s) => s.status === 'synced')).status).toBe('synced');
  });
});
