import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServerOnFreePorts, type DevServer } from '../../scripts/dev-server.mjs';
import { keyPrefixAdapter } from '../adapters/key-prefix.js';
import { AWKWARD_SNAPSHOT } from '../contract/awkward.fixture.js';
import { createSync } from '../create-sync.js';
import type { SyncManager } from '../core/sync-manager.js';
import { memorySyncRecordStore } from '../core/sync-record-store.js';
import { MemoryStorage } from '../test-support/memory-storage.js';
import { FakePlatform, memoryTabChannels } from '../test-support/sync-harness.js';

// The real SDK (fetch transport, CORS from happy-dom's origin) against the real Worker under
// `wrangler dev` with a local R2 in a temp directory. Browser behaviour proper is in e2e/.
let server: DevServer;
let persistTo: string;

beforeAll(async () => {
  persistTo = mkdtempSync(join(tmpdir(), 'taco-sync-integration-'));
  server = await startDevServerOnFreePorts({ persistTo, vars: () => ({ ALLOWED_ORIGINS: location.origin }) });
}, 90_000);
afterAll(() => {
  server?.stop();
  rmSync(persistTo, { recursive: true, force: true });
});

async function devToken(sub: string): Promise<string> {
  const res = await fetch(`${server.url}/__dev/token?sub=${sub}&subscriptions=sync_tenure`);
  return ((await res.json()) as { token: string }).token;
}

interface Device {
  sync: SyncManager;
  storage: MemoryStorage;
  platform: FakePlatform;
}

function device(token: string, deviceId: string, fetchVia?: typeof fetch): Device {
  const storage = new MemoryStorage();
  const platform = new FakePlatform();
  const sync = createSync({
    app: 'tenure',
    endpoint: server.url,
    getToken: () => token,
    adapter: keyPrefixAdapter({ prefixes: ['t_'], keys: Object.keys(AWKWARD_SNAPSHOT), storage }),
    deviceId,
    recordStore: memorySyncRecordStore(),
    platform,
    channel: memoryTabChannels()(),
    random: () => 0,
    ...(fetchVia && { fetch: fetchVia }),
  });
  // The "app" reads storage directly, so it always sees what a replacement wrote.
  sync.onReplace(() => {});
  return { sync, storage, platform };
}

const snapshotOf = (storage: MemoryStorage, keys: string[]): Record<string, string | null> =>
  Object.fromEntries(keys.map((k) => [k, storage.getItem(k)]));

describe('the SDK against the real Worker', () => {
  it('moves data from one device to another, conflicts, and resolves both ways', async () => {
    const token = await devToken(`integration-${Date.now()}`);
    const a = device(token, 'laptop');
    const b = device(token, 'phone');

    a.storage.setItem('t_profile', 'from the laptop');
    await a.sync.start();
    expect(a.sync.getState()).toMatchObject({ status: 'synced', version: 1 });

    await b.sync.start();
    expect(b.sync.getState()).toMatchObject({ status: 'synced', version: 1 });
    expect(b.storage.getItem('t_profile')).toBe('from the laptop');

    a.storage.setItem('t_profile', 'laptop edit');
    b.storage.setItem('t_profile', 'phone edit');
    b.storage.setItem('t_new', 'only on the phone');
    await a.sync.syncNow();
    expect(a.sync.getState().version).toBe(2);
    await b.sync.syncNow();
    const conflict = b.sync.getState();
    expect(conflict.status).toBe('conflict');
    expect(conflict.conflict).toMatchObject({ serverVersion: 2, serverDeviceId: 'laptop' });
    expect(conflict.conflict?.diff).toEqual({ added: ['t_new'], removed: [], changed: ['t_profile'] });

    await b.sync.resolveConflict('keep-local');
    expect(b.sync.getState()).toMatchObject({ status: 'synced', version: 3 });
    await a.sync.syncNow();
    expect(a.sync.getState()).toMatchObject({ status: 'synced', version: 3 });
    expect(a.storage.getItem('t_profile')).toBe('phone edit');

    a.storage.setItem('t_profile', 'laptop again');
    b.storage.setItem('t_profile', 'phone again');
    await a.sync.syncNow();
    await b.sync.syncNow();
    expect(b.sync.getState().status).toBe('conflict');
    await b.sync.resolveConflict('use-server');
    expect(b.sync.getState()).toMatchObject({ status: 'synced', version: 4 });
    expect(b.storage.getItem('t_profile')).toBe('laptop again');
    const [backup] = await b.sync.listBackups();
    expect(backup?.data.t_profile).toBe('phone again');
    expect(await a.sync.listVersions()).toEqual([1, 2, 3, 4]);

    a.sync.stop();
    b.sync.stop();
  }, 60_000);

  it("takes another device's edits as a patch pull, awkward keys included, and the full data once its base aged out", async () => {
    const token = await devToken(`integration-patch-pull-${Date.now()}`);
    const pulls: { url: string; body: Record<string, unknown> }[] = [];
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).includes('/pull'))
        pulls.push({ url: String(input), body: (await response.clone().json()) as Record<string, unknown> });
      return response;
    };
    const a = device(token, 'laptop');
    const b = device(token, 'phone', recording);
    for (const [key, value] of Object.entries(AWKWARD_SNAPSHOT)) a.storage.setItem(key, value);
    a.storage.setItem('t_notes', 'x'.repeat(5_000));
    await a.sync.start();
    await b.sync.start();
    const keys = [...Object.keys(AWKWARD_SNAPSHOT), 't_notes'];

    a.storage.setItem('__proto__', '{"edited":true}');
    a.storage.setItem('10', 'ten, edited');
    await a.sync.syncNow();
    a.storage.setItem('t_more', 'added');
    await a.sync.syncNow();
    pulls.length = 0;
    await b.sync.syncNow();
    expect(pulls).toHaveLength(1);
    expect(pulls[0]!.url).toMatch(/\/pull\?since=1$/);
    expect(pulls[0]!.body).toMatchObject({
      baseVersion: 1,
      patch: { set: { ['__proto__']: '{"edited":true}', 10: 'ten, edited', t_more: 'added' }, remove: [] },
      meta: { version: 3 },
    });
    expect(pulls[0]!.body).not.toHaveProperty('data');
    expect(snapshotOf(b.storage, [...keys, 't_more'])).toEqual(snapshotOf(a.storage, [...keys, 't_more']));
    expect(b.sync.getState()).toMatchObject({ status: 'synced', version: 3 });

    for (let n = 0; n < 6; n++) {
      a.storage.setItem('t_counter', String(n));
      await a.sync.syncNow();
    }
    pulls.length = 0;
    await b.sync.syncNow();
    expect(pulls.map((p) => p.url.replace(/^.*\/pull/, '/pull'))).toEqual(['/pull?since=3']);
    expect(pulls[0]!.body).toHaveProperty('data');
    expect(snapshotOf(b.storage, [...keys, 't_more', 't_counter'])).toEqual(
      snapshotOf(a.storage, [...keys, 't_more', 't_counter']),
    );
    expect(b.sync.getState()).toMatchObject({ status: 'synced', version: 9 });
    a.sync.stop();
    b.sync.stop();
  }, 60_000);

  it('carries awkward keys through collect, push, pull and apply unchanged', async () => {
    const token = await devToken(`integration-awkward-${Date.now()}`);
    const a = device(token, 'laptop');
    const b = device(token, 'phone');
    for (const [key, value] of Object.entries(AWKWARD_SNAPSHOT)) a.storage.setItem(key, value);
    await a.sync.start();
    await b.sync.start();
    const keys = Object.keys(AWKWARD_SNAPSHOT);
    expect(snapshotOf(b.storage, keys)).toEqual(snapshotOf(a.storage, keys));
    expect(b.storage.getItem('__proto__')).toBe('{"polluted":true}');
    expect(b.storage.getItem('10')).toBe('ten');
    expect(b.storage.getItem('emoji 😀')).toBe('🌮 taco');
    a.sync.stop();
    b.sync.stop();
  }, 60_000);
});
