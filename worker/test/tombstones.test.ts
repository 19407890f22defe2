import { describe, expect, it } from 'vitest';
import { canonicalJson, checksum } from '../../sdk/contract/index.js';
import { createWorker } from '../src/index.js';
import { stallingBucket, type BucketCall } from './bucket-wrappers.js';
import { expectConsistent } from './consistency.js';
import { env } from 'cloudflare:workers';
import {
  call,
  captureErrorLogs,
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

captureErrorLogs();

/** A user with versions 1 to `count` stored, each `{ n: v }`. */
async function userWithVersions(count: number) {
  const user = newUser('tomb');
  const token = await tokenFor(user);
  for (let v = 0; v < count; v++) expect((await push(token, 'tenure', snap({ n: String(v + 1) }), v)).status).toBe(200);
  return { user, token };
}

const remove = (token: string) => call('/api/sync/tenure', { method: 'DELETE', token });
const keysOf = async (user: string): Promise<string[]> => (await listUser(user)).map((row) => row.split(' ')[0]!);

describe('a DELETE commits a tombstone: versions only go up (DESIGN §10)', () => {
  it('DELETE then push: the next push commits the number after the tombstone, above every deleted version', async () => {
    const { user, token } = await userWithVersions(3);
    expect(await json(await remove(token))).toEqual({ success: true, deleted: true, version: 4 });

    const fresh = snap({ n: 'after the delete' });
    expect(await json(await push(token, 'tenure', fresh, 4, 'device-b'))).toMatchObject({ success: true, version: 5 });
    expect(await json(await call('/api/sync/tenure/meta', { token }))).toMatchObject({
      exists: true,
      meta: { version: 5 },
      availableVersions: [5],
    });
    for (const old of [1, 2, 3, 4]) expect((await call(`/api/sync/tenure/history/${old}`, { token })).status).toBe(404);
    expect(await storedText(`sync/${user}/tenure/history/5.json`)).toBe(canonicalJson(fresh));
    expect(await expectConsistent(user, token, new Map([[5, canonicalJson(fresh)]]))).toBe(5);
  });

  it('a push at version 0 or at a deleted version conflicts with the tombstone, and stores nothing', async () => {
    const { user, token } = await userWithVersions(2);
    await remove(token);
    const before = await listUser(user);
    for (const version of [0, 2]) {
      const response = await push(token, 'tenure', snap({ n: 'old data' }), version);
      expect(response.status).toBe(409);
      expect(await json(response)).toMatchObject({
        code: 'CONFLICT',
        localVersion: version,
        serverVersion: 3,
        serverModified: expect.any(String),
        serverDeviceId: null,
        serverDeleted: true,
      });
    }
    expect(await listUser(user)).toEqual(before);
  });

  it('a push that names a base checksum over a tombstone conflicts: a tombstone holds no data', async () => {
    const { token } = await userWithVersions(1);
    await remove(token);
    const data = snap({ n: 'x' });
    const body = { ...(await pushBody(data, 2)), baseChecksum: await checksum(snap({ n: '1' })) };
    const response = await call('/api/sync/tenure/push', { method: 'POST', token, body: JSON.stringify(body) });
    expect(await json(response)).toMatchObject({ code: 'CONFLICT', serverVersion: 2, serverDeleted: true });
  });

  it('meta of a tombstone says the data was deleted, with the version and time; pull is a 404 that carries the same, never data', async () => {
    const { token } = await userWithVersions(2);
    const before = Date.now();
    await remove(token);
    const meta = await json(await call('/api/sync/tenure/meta', { token }));
    expect(meta).toEqual({
      success: true,
      exists: false,
      meta: null,
      availableVersions: [],
      versions: [],
      deleted: { version: 3, deletedAt: expect.any(String) },
    });
    const deletedAt = Date.parse((meta.deleted as { deletedAt: string }).deletedAt);
    expect(deletedAt).toBeGreaterThanOrEqual(before - 1000);

    for (const path of ['pull', 'pull?since=2', 'pull?since=3']) {
      const pulled = await call(`/api/sync/tenure/${path}`, { token });
      expect([path, pulled.status]).toEqual([path, 404]);
      const body = await json(pulled);
      expect(body).toEqual({ error: 'The data was deleted', code: 'NOT_FOUND', deleted: meta.deleted });
      expect(body).not.toHaveProperty('data');
    }
    expect((await call('/api/sync/tenure/history/3', { token })).status).toBe(404);
  });

  it('a pull since a version before the tombstone, or since the tombstone, after a new push answers the full data', async () => {
    const { token } = await userWithVersions(3);
    await remove(token);
    await push(token, 'tenure', snap({ n: 'new 1' }), 4);
    await push(token, 'tenure', snap({ n: 'new 2' }), 5);
    for (const since of [2, 3, 4]) {
      const body = await json(await call(`/api/sync/tenure/pull?since=${since}`, { token }));
      expect([since, body.data, body.patch]).toEqual([since, { n: 'new 2' }, undefined]);
    }
    // Within the versions after the tombstone, patches work as always.
    expect(await json(await call('/api/sync/tenure/pull?since=5', { token }))).toMatchObject({
      baseVersion: 5,
      patch: { set: { n: 'new 2' }, remove: [] },
    });
  });

  it('a DELETE of a tombstone keeps its version; a DELETE over newer data commits one above it', async () => {
    const { token } = await userWithVersions(1);
    expect(await json(await remove(token))).toMatchObject({ deleted: true, version: 2 });
    expect(await json(await remove(token))).toMatchObject({ deleted: false, version: 2 });
    await push(token, 'tenure', snap({ n: 'again' }), 2);
    expect(await json(await remove(token))).toMatchObject({ deleted: true, version: 4 });
    expect(await json(await call('/api/sync/tenure/meta', { token }))).toMatchObject({ deleted: { version: 4 } });
  });

  it('a DELETE over history files with no current.json (left by an older release) commits a tombstone above them', async () => {
    const user = newUser('orphan');
    const token = await tokenFor(user);
    await env.BACKUPS.put(`sync/${user}/tenure/history/7.json`, '{}');
    expect(await json(await remove(token))).toEqual({ success: true, deleted: true, version: 8 });
    expect(await keysOf(user)).toEqual([`sync/${user}/tenure/current.json`]);
  });
});

describe('a push racing a DELETE (DESIGN §10)', () => {
  const headOfCurrent = (c: BucketCall): boolean => c.op === 'head' && c.key.endsWith('/current.json');
  const listOfDelete = (c: BucketCall): boolean => c.op === 'list';

  it('a push after the tombstone, while the DELETE still removes files, keeps its history file', async () => {
    const { user, token } = await userWithVersions(3);
    // The DELETE stalls after its tombstone and its first listing, holding the keys it will delete.
    const stall = stallingBucket(env.BACKUPS, listOfDelete);
    const deleting = createWorker({ bucket: () => stall.bucket }).fetch(
      new Request('http://x/api/sync/tenure', { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } }),
      testEnv,
    );
    await stall.stalled;
    const fresh = snap({ n: 'pushed during the delete' });
    expect(await json(await push(token, 'tenure', fresh, 4, 'device-b'))).toMatchObject({ version: 5 });
    stall.release();
    expect(await json(await deleting)).toEqual({ success: true, deleted: true, version: 4 });

    expect(await storedText(`sync/${user}/tenure/history/5.json`)).toBe(canonicalJson(fresh));
    expect(await json(await call('/api/sync/tenure/meta', { token }))).toMatchObject({
      meta: { version: 5 },
      availableVersions: [5],
    });
    expect(await expectConsistent(user, token, new Map([[5, canonicalJson(fresh)]]))).toBe(5);
    expect((await keysOf(user)).filter((key) => /history\/[1-4]\./.test(key))).toEqual([]);
  });

  it('a push that read the head before the DELETE is refused with the tombstone and stores nothing', async () => {
    const { user, token } = await userWithVersions(2);
    const stall = stallingBucket(env.BACKUPS, headOfCurrent);
    const pushing = createWorker({ bucket: () => stall.bucket }).fetch(
      new Request('http://x/api/sync/tenure/push', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify(await pushBody(snap({ n: 'late' }), 2, 'device-b')),
      }),
      testEnv,
    );
    await stall.stalled;
    await remove(token);
    stall.release();
    expect(await json(await pushing)).toMatchObject({ code: 'CONFLICT', serverVersion: 3, serverDeleted: true });
    expect(await keysOf(user)).toEqual([`sync/${user}/tenure/current.json`]);
  });
});
