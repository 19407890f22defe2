import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { AWKWARD_CANONICAL, AWKWARD_CHECKSUM, AWKWARD_SNAPSHOT } from '../../sdk/contract/awkward.fixture.js';
import { checksum, sha256Hex, type VersionRecord } from '../../sdk/contract/index.js';
import { signDevToken } from '../src/dev-token.js';
import { createWorker } from '../src/index.js';
import { HISTORY_KEEP } from '../src/store.js';
import {
  DEV_SECRET,
  call,
  canonicalOf,
  json,
  listUser,
  newUser,
  push,
  pushBody,
  snap,
  storedText,
  testEnv,
  tokenFor,
} from './helpers.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function pushOk(
  token: string,
  data: Record<string, string>,
  version: number,
  deviceId = 'device-a',
  deviceName?: string,
): Promise<Record<string, unknown>> {
  const response = await push(token, 'tenure', snap(data), version, deviceId, deviceName);
  expect(response.status).toBe(200);
  return json(response);
}

describe('push', () => {
  it('stores the first push as version 1 and answers { success, version, checksum, timestamp }', async () => {
    const token = await tokenFor(newUser());
    const data = snap({ a: '1' });
    const body = await pushOk(token, data, 0);
    expect(body).toEqual({
      success: true,
      version: 1,
      checksum: await checksum(data),
      timestamp: expect.stringMatching(ISO_TIME),
    });
  });

  it('answers a push behind the server with 409 CONFLICT and what the server holds', async () => {
    const token = await tokenFor(newUser());
    const first = await pushOk(token, { a: '1' }, 0, 'device-a');
    const response = await push(token, 'tenure', snap({ a: '2' }), 0, 'device-b');
    expect(response.status).toBe(409);
    expect(await json(response)).toEqual({
      error: 'Version conflict',
      code: 'CONFLICT',
      localVersion: 0,
      serverVersion: 1,
      serverModified: first.timestamp,
      serverDeviceId: 'device-a',
    });
  });

  it('answers a push ahead of the server with CONFLICT too (strict compare-and-swap)', async () => {
    const token = await tokenFor(newUser());
    const ahead = await push(token, 'tenure', snap({ a: '1' }), 3);
    expect(ahead.status).toBe(409);
    expect(await json(ahead)).toMatchObject({
      localVersion: 3,
      serverVersion: 0,
      serverModified: null,
      serverDeviceId: null,
    });
    await pushOk(token, { a: '1' }, 0);
    expect((await push(token, 'tenure', snap({ a: '2' }), 2)).status).toBe(409);
  });

  it('lets "keep my changes" win by pushing with the serverVersion of the 409, still compare-and-swap', async () => {
    const token = await tokenFor(newUser());
    await pushOk(token, { a: 'from a' }, 0, 'device-a');
    const conflict = await json(await push(token, 'tenure', snap({ a: 'from b' }), 0, 'device-b'));
    const kept = await pushOk(token, { a: 'from b' }, conflict.serverVersion as number, 'device-b');
    expect(kept.version).toBe(2);
    const pulled = await json(await call('/api/sync/tenure/pull', { token }));
    expect(pulled.data).toEqual({ a: 'from b' });

    // A third device pushed meanwhile: the forced push conflicts again instead of overwriting it.
    await pushOk(token, { a: 'from c' }, 2, 'device-c');
    const again = await push(token, 'tenure', snap({ a: 'from b' }), 2, 'device-b');
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ serverVersion: 3, serverDeviceId: 'device-c' });
  });

  it('is idempotent: the same push twice answers 200 both times with one version', async () => {
    const user = newUser();
    const token = await tokenFor(user);
    const first = await pushOk(token, { a: '1' }, 0);
    const retry = await pushOk(token, { a: '1' }, 0);
    expect(retry).toEqual(first);
    const meta = await json(await call('/api/sync/tenure/meta', { token }));
    expect(meta).toMatchObject({ meta: { version: 1 }, availableVersions: [1] });
    expect((await listUser(user)).filter((row) => row.includes('/history/'))).toHaveLength(1);
  });

  it('treats the same data from another device at version+1 as a conflict, not a retry', async () => {
    const token = await tokenFor(newUser());
    await pushOk(token, { a: '1' }, 0, 'device-a');
    expect((await push(token, 'tenure', snap({ a: '1' }), 0, 'device-b')).status).toBe(409);
  });
});

describe('the clock', () => {
  it('stamps commits and checks token expiry with the injected clock', async () => {
    const later = new Date('2030-01-01T00:00:00.000Z');
    const worker = createWorker({ now: () => later });
    const token = await tokenFor(newUser());
    const send = (t: string) =>
      worker.fetch(
        new Request('http://x/api/sync/tenure/meta', { headers: { Authorization: `Bearer ${t}` } }),
        testEnv,
      );
    expect((await send(token)).status).toBe(401);

    const longLived = await signDevToken(
      DEV_SECRET,
      { sub: newUser(), subscriptions: ['taco_club'] },
      10 * 365 * 24 * 3600,
    );
    const pushed = await worker.fetch(
      new Request('http://x/api/sync/tenure/push', {
        method: 'POST',
        headers: { Authorization: `Bearer ${longLived}` },
        body: JSON.stringify(await pushBody(snap({ a: '1' }), 0)),
      }),
      testEnv,
    );
    expect(await json(pushed)).toMatchObject({ version: 1, timestamp: later.toISOString() });
  });
});

describe('pull, meta and history', () => {
  it('answers 404 NOT_FOUND for pull and history, and exists:false for meta, when nothing is stored', async () => {
    const token = await tokenFor(newUser());
    const pulled = await call('/api/sync/tenure/pull', { token });
    expect(pulled.status).toBe(404);
    expect(await json(pulled)).toMatchObject({ code: 'NOT_FOUND' });
    const meta = await call('/api/sync/tenure/meta', { token });
    expect(meta.status).toBe(200);
    expect(await json(meta)).toEqual({ success: true, exists: false, meta: null, availableVersions: [], versions: [] });
    expect((await call('/api/sync/tenure/history/1', { token })).status).toBe(404);
  });

  it('pulls the data with its meta record and the available versions', async () => {
    const token = await tokenFor(newUser());
    const data = snap({ b: 'é', a: '1' });
    const pushed = await pushOk(token, data, 0, 'device-a');
    const pulled = await call('/api/sync/tenure/pull', { token });
    expect(pulled.headers.get('Content-Type')).toContain('application/json');
    const record = {
      version: 1,
      checksum: await checksum(data),
      deviceId: 'device-a',
      lastModified: pushed.timestamp,
      size: 18,
    };
    expect(await json(pulled)).toEqual({
      success: true,
      data: { a: '1', b: 'é' },
      meta: record,
      availableVersions: [1],
      versions: [record],
    });
    const meta = await json(await call('/api/sync/tenure/meta', { token }));
    expect(meta).toEqual({ success: true, exists: true, meta: record, availableVersions: [1], versions: [record] });
  });

  it('keeps exactly the last 5 versions, each with its own data', async () => {
    const user = newUser();
    const token = await tokenFor(user);
    const TOTAL = 8;
    for (let v = 0; v < TOTAL; v++) await pushOk(token, { n: `version ${v + 1}` }, v);

    const kept = Array.from({ length: HISTORY_KEEP }, (_, i) => TOTAL - HISTORY_KEEP + 1 + i);
    expect(kept).toEqual([4, 5, 6, 7, 8]);
    const historyKeys = (await env.BACKUPS.list({ prefix: `sync/${user}/tenure/history/` })).objects.map((o) => o.key);
    // Each kept version's data, and what it changed (DESIGN §9): version 4's change is kept with it.
    expect(historyKeys.sort()).toEqual(
      kept
        .flatMap((v) => [`sync/${user}/tenure/history/${v}.json`, `sync/${user}/tenure/history/${v}.patch.json`])
        .sort(),
    );

    expect(await json(await call('/api/sync/tenure/pull', { token }))).toMatchObject({ availableVersions: kept });
    expect(await json(await call('/api/sync/tenure/meta', { token }))).toMatchObject({ availableVersions: kept });
    for (const v of kept) {
      const history = await call(`/api/sync/tenure/history/${v}`, { token });
      expect(history.status).toBe(200);
      expect(await json(history)).toMatchObject({
        success: true,
        data: { n: `version ${v}` },
        meta: { version: v, checksum: await checksum(snap({ n: `version ${v}` })) },
      });
    }
    for (const v of [1, 3, 9]) expect((await call(`/api/sync/tenure/history/${v}`, { token })).status).toBe(404);
  });

  it("answers the kept versions' records in meta and pull, ascending, with the device name a push carried", async () => {
    const token = await tokenFor(newUser());
    for (let v = 0; v < 7; v++)
      await pushOk(token, { n: String(v + 1) }, v, v % 2 ? 'phone' : 'laptop', v % 2 ? 'Chrome on Android' : undefined);

    const meta = await json(await call('/api/sync/tenure/meta', { token }));
    const pulled = await json(await call('/api/sync/tenure/pull', { token }));
    const versions = meta.versions as VersionRecord[];
    expect(versions.map((record) => record.version)).toEqual([3, 4, 5, 6, 7]);
    expect(meta.availableVersions).toEqual([3, 4, 5, 6, 7]);
    expect(pulled.versions).toEqual(versions);
    expect(versions.at(-1)).toEqual(meta.meta);
    for (const record of versions) {
      const history = await json(await call(`/api/sync/tenure/history/${record.version}`, { token }));
      expect(history.meta).toEqual(record);
      expect(record.checksum).toBe(await checksum(snap({ n: String(record.version) })));
      expect(record.deviceName).toBe(record.version % 2 === 0 ? 'Chrome on Android' : undefined);
    }
  });

  it('neither lists nor serves a history file outside the kept versions (left by a failed prune)', async () => {
    const user = newUser();
    const token = await tokenFor(user);
    for (let v = 0; v < 6; v++) await pushOk(token, { n: String(v + 1) }, v);
    await env.BACKUPS.put(`sync/${user}/tenure/history/1.json`, canonicalOf(snap({ n: '1' })), {
      customMetadata: (await env.BACKUPS.head(`sync/${user}/tenure/history/2.json`))!.customMetadata,
    });
    expect(await json(await call('/api/sync/tenure/meta', { token }))).toMatchObject({
      availableVersions: [2, 3, 4, 5, 6],
    });
    expect((await call('/api/sync/tenure/history/1', { token })).status).toBe(404);
  });

  it('never serves a history file that holds another record than the kept one (data a DELETE removed)', async () => {
    const user = newUser();
    const token = await tokenFor(user);
    for (let v = 0; v < 3; v++) await pushOk(token, { n: `deleted ${v + 1}` }, v);
    const deleted = await env.BACKUPS.get(`sync/${user}/tenure/history/2.json`);
    const deletedText = await deleted!.text();
    expect((await call('/api/sync/tenure', { method: 'DELETE', token })).status).toBe(200);
    // The tombstone is v4: the next pushes commit 5 to 7.
    for (let v = 4; v < 7; v++) await pushOk(token, { n: `kept ${v + 1}` }, v);

    // What a push stalled across the DELETE would write when it resumed.
    await env.BACKUPS.put(`sync/${user}/tenure/history/2.json`, deletedText, {
      customMetadata: deleted!.customMetadata,
    });
    const history = await call('/api/sync/tenure/history/2', { token });
    expect(history.status).toBe(404);
    expect((await call('/api/sync/tenure/history/4', { token })).status).toBe(404);
    expect(await history.text()).not.toContain('deleted');
  });

  it.each(['0', '-1', '1.5', 'abc', '01', '1e3', '99999999999999999999'])(
    'answers 404 for history version %j, before looking at the token',
    async (v) => {
      const response = await call(`/api/sync/tenure/history/${v}`);
      expect(response.status).toBe(404);
      expect(await json(response)).toMatchObject({ code: 'NOT_FOUND' });
    },
  );

  it('round-trips the awkward fixture byte for byte, and stores history bytes whose SHA-256 is the checksum', async () => {
    const user = newUser();
    const token = await tokenFor(user);
    const pushed = await push(token, 'tenure', AWKWARD_SNAPSHOT, 0);
    expect(await json(pushed)).toMatchObject({ version: 1, checksum: AWKWARD_CHECKSUM });

    const pulledText = await (await call('/api/sync/tenure/pull', { token })).text();
    expect(pulledText).toContain(`"data":${AWKWARD_CANONICAL},"meta":`);
    const historyText = await (await call('/api/sync/tenure/history/1', { token })).text();
    expect(historyText).toContain(`"data":${AWKWARD_CANONICAL},"meta":`);

    const stored = await env.BACKUPS.get(`sync/${user}/tenure/history/1.json`);
    const bytes = new Uint8Array(await stored!.arrayBuffer());
    expect(new TextDecoder().decode(bytes)).toBe(AWKWARD_CANONICAL);
    expect(await sha256Hex(bytes)).toBe(AWKWARD_CHECKSUM);
    expect(stored!.checksums.toJSON().sha256).toBe(AWKWARD_CHECKSUM);
  });
});

describe('R2 layout (DESIGN §5)', () => {
  it('writes current.json with its record, history as canonical JSON, meta.json with versions', async () => {
    const user = newUser();
    const token = await tokenFor(user);
    const data = snap({ z: '26', a: '1' });
    await pushOk(token, data, 0, 'device-a');
    await pushOk(token, { a: '2' }, 1, 'device-a');
    const prefix = `sync/${user}/tenure/`;

    const current = await env.BACKUPS.get(`${prefix}current.json`);
    const currentBody = JSON.parse(await current!.text()) as { meta: VersionRecord; data: unknown };
    expect(currentBody.data).toEqual({ a: '2' });
    expect(currentBody.meta).toMatchObject({
      version: 2,
      deviceId: 'device-a',
      checksum: await checksum(snap({ a: '2' })),
    });
    const history1 = await env.BACKUPS.head(`${prefix}history/1.json`);
    const record1 = history1!.customMetadata!;
    expect(current!.customMetadata).toEqual({
      version: '2',
      checksum: currentBody.meta.checksum,
      deviceId: 'device-a',
      lastModified: currentBody.meta.lastModified,
      size: String(currentBody.meta.size),
      kept: '1',
      kept1: `1 ${record1.lastModified} ${record1.size} ${record1.checksum} device-a`,
    });

    expect(await storedText(`${prefix}history/1.json`)).toBe(canonicalOf(data));
    expect(record1).toEqual({
      version: '1',
      checksum: await checksum(data),
      deviceId: 'device-a',
      lastModified: expect.any(String),
      size: String(canonicalOf(data).length),
    });

    const metaFile = JSON.parse((await storedText(`${prefix}meta.json`))!) as Record<string, unknown>;
    expect(metaFile).toEqual({ ...currentBody.meta, versions: [1, 2] });
  });
  it('reads the kept versions of data an older release stored (its current.json lists none) from history/, and the next push lists them', async () => {
    const user = newUser();
    const token = await tokenFor(user);
    const prefix = `sync/${user}/tenure/`;
    const records: VersionRecord[] = [];
    // What the release before this one wrote: every object carries only its own record.
    for (let v = 1; v <= 3; v++) {
      const canonical = canonicalOf(snap({ n: String(v) }));
      const record = {
        version: v,
        checksum: await sha256Hex(canonical),
        deviceId: 'old-device',
        lastModified: `2026-11-0${v}T00:00:00.000Z`,
        size: canonical.length,
      };
      const customMetadata = {
        version: String(v),
        checksum: record.checksum,
        deviceId: record.deviceId,
        lastModified: record.lastModified,
        size: String(record.size),
      };
      await env.BACKUPS.put(`${prefix}history/${v}.json`, canonical, { customMetadata });
      if (v === 3)
        await env.BACKUPS.put(`${prefix}current.json`, `{"meta":${JSON.stringify(record)},"data":${canonical}}`, {
          customMetadata,
        });
      records.push(record);
    }

    expect(await json(await call('/api/sync/tenure/meta', { token }))).toEqual({
      success: true,
      exists: true,
      meta: records[2],
      availableVersions: [1, 2, 3],
      versions: records,
    });
    expect(await json(await call('/api/sync/tenure/pull', { token }))).toMatchObject({
      data: { n: '3' },
      availableVersions: [1, 2, 3],
      versions: records,
    });
    expect(await json(await call('/api/sync/tenure/history/2', { token }))).toEqual({
      success: true,
      data: { n: '2' },
      meta: records[1],
    });

    const pushed = await pushOk(token, { n: '4' }, 3, 'new-device');
    expect((await env.BACKUPS.head(`${prefix}current.json`))!.customMetadata).toMatchObject({
      version: '4',
      kept: '3',
    });
    const meta = await json(await call('/api/sync/tenure/meta', { token }));
    expect(meta.versions).toEqual([
      ...records,
      expect.objectContaining({ version: 4, deviceId: 'new-device', lastModified: pushed.timestamp }),
    ]);
  });
});

describe('DELETE /api/sync/{app}', () => {
  it('deletes everything of that user and app and says whether anything was there', async () => {
    const user = newUser();
    const token = await tokenFor(user);
    for (let v = 0; v < 3; v++) await pushOk(token, { n: String(v) }, v);
    await push(token, 'tempo', snap({ other: 'app' }), 0);

    const deleted = await call('/api/sync/tenure', { method: 'DELETE', token });
    expect(deleted.status).toBe(200);
    expect(await json(deleted)).toEqual({ success: true, deleted: true, version: 4 });
    // Only the tombstone stays: no data, no history, no meta.json.
    expect((await listUser(user)).filter((row) => row.includes('/tenure/')).map((row) => row.split(' ')[0])).toEqual([
      `sync/${user}/tenure/current.json`,
    ]);
    expect(await storedText(`sync/${user}/tenure/current.json`)).not.toContain('"n"');
    expect((await call('/api/sync/tenure/pull', { token })).status).toBe(404);
    expect(await json(await call('/api/sync/tenure/meta', { token }))).toMatchObject({ exists: false });
    expect((await call('/api/sync/tempo/pull', { token })).status).toBe(200);

    expect(await json(await call('/api/sync/tenure', { method: 'DELETE', token }))).toEqual({
      success: true,
      deleted: false,
      version: 4,
    });
    expect(await json(await call('/api/sync/tempo', { method: 'DELETE', token: await tokenFor(newUser()) }))).toEqual({
      success: true,
      deleted: false,
      version: 0,
    });
  });
});

describe('user isolation', () => {
  it("never lets a user see, overwrite or delete another user's data", async () => {
    const alice = newUser('alice');
    const bob = newUser('bob');
    const aliceToken = await tokenFor(alice);
    const bobToken = await tokenFor(bob);
    await pushOk(aliceToken, { secret: 'alice only' }, 0);
    const aliceBefore = await listUser(alice);

    expect((await call('/api/sync/tenure/pull', { token: bobToken })).status).toBe(404);
    expect(await json(await call('/api/sync/tenure/meta', { token: bobToken }))).toMatchObject({ exists: false });
    expect((await call('/api/sync/tenure/history/1', { token: bobToken })).status).toBe(404);
    await pushOk(bobToken, { mine: 'bob' }, 0);
    expect(await json(await call('/api/sync/tenure', { method: 'DELETE', token: bobToken }))).toEqual({
      success: true,
      deleted: true,
      version: 2,
    });

    expect(await listUser(alice)).toEqual(aliceBefore);
    expect(await json(await call('/api/sync/tenure/pull', { token: aliceToken }))).toMatchObject({
      data: { secret: 'alice only' },
    });
  });

  it('takes the user from the token only, never from the URL or body', async () => {
    const alice = newUser('alice');
    const aliceToken = await tokenFor(alice);
    await pushOk(aliceToken, { secret: 'alice only' }, 0);
    const bobToken = await tokenFor(newUser('bob'));
    for (const path of [
      `/api/sync/tenure/pull?user=${alice}`,
      `/api/sync/${alice}/tenure/pull`,
      `/api/sync/tenure/../${alice}/pull`,
    ]) {
      const response = await call(path, { token: bobToken });
      expect(response.status).toBe(404);
    }
    const response = await call('/api/sync/tenure/push', {
      method: 'POST',
      token: bobToken,
      body: JSON.stringify({
        userId: alice,
        sub: alice,
        data: {},
        version: 1,
        checksum: await checksum({}),
        deviceId: 'd',
        timestamp: new Date().toISOString(),
      }),
    });
    expect(response.status).toBe(409);
    expect(await json(await call('/api/sync/tenure/pull', { token: aliceToken }))).toMatchObject({
      meta: { version: 1 },
    });
  });
});
