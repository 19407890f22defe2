import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { canonicalJson, checksum, patchBetween, type Snapshot } from '../../sdk/contract/index.js';
import { createWorker } from '../src/index.js';
import { barrierBucket } from './bucket-wrappers.js';
import { call, json, listUser, newUser, push, snap, storedText, testEnv, tokenFor } from './helpers.js';

const TIMESTAMP = '2026-11-25T10:00:00.000Z';

/** A patch push body turning `base` (at `version`) into `next`; `overrides` spoil one field. */
async function patchBody(base: Snapshot, next: Snapshot, version: number, overrides: Record<string, unknown> = {}) {
  return {
    patch: patchBetween(base, next),
    version,
    baseChecksum: await checksum(base),
    checksum: await checksum(next),
    deviceId: 'device-p',
    timestamp: TIMESTAMP,
    ...overrides,
  };
}

const postPush = (token: string, body: unknown, fetch = call) =>
  fetch('/api/sync/tenure/push', {
    method: 'POST',
    token,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

/** A user with `data` stored as version 1. */
async function userWith(data: Snapshot) {
  const user = newUser();
  const token = await tokenFor(user);
  expect((await push(token, 'tenure', data, 0)).status).toBe(200);
  return { user, token, before: await listUser(user) };
}

const pulledData = async (token: string): Promise<string> =>
  canonicalJson((await json(await call('/api/sync/tenure/pull', { token }))).data as Snapshot);

const BASE = snap({ a: '1', b: '2', c: '3' });
const NEXT = snap({ a: '1', b: 'two', d: '4' });

describe('patch pushes (DESIGN §8)', () => {
  it('stores the base with the patch applied, as the next version, in current.json and history', async () => {
    const { user, token } = await userWith(BASE);
    const response = await postPush(token, await patchBody(BASE, NEXT, 1));
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ success: true, version: 2, checksum: await checksum(NEXT) });
    expect(await pulledData(token)).toBe(canonicalJson(NEXT));
    expect(await storedText(`sync/${user}/tenure/history/2.json`)).toBe(canonicalJson(NEXT));
  });

  it('applies a first patch to the empty data when nothing is stored', async () => {
    const token = await tokenFor(newUser());
    expect((await postPush(token, await patchBody(snap({}), NEXT, 0))).status).toBe(200);
    expect(await pulledData(token)).toBe(canonicalJson(NEXT));
  });

  it('answers a retry of a committed patch push with the same version (idempotent)', async () => {
    const { token } = await userWith(BASE);
    const body = await patchBody(BASE, NEXT, 1);
    expect((await postPush(token, body)).status).toBe(200);
    const retry = await postPush(token, body);
    expect(retry.status).toBe(200);
    expect(await json(retry)).toMatchObject({ version: 2 });
  });

  it('422 PATCH_REJECTED when the result does not have the declared checksum, nothing stored', async () => {
    const { user, token, before } = await userWith(BASE);
    const response = await postPush(
      token,
      await patchBody(BASE, NEXT, 1, { checksum: await checksum(snap({ other: 'data' })) }),
    );
    expect(response.status).toBe(422);
    expect(await json(response)).toEqual({ error: expect.any(String), code: 'PATCH_REJECTED' });
    expect(await listUser(user)).toEqual(before);
  });

  it('409 CONFLICT for a wrong base checksum at the right version number, nothing stored', async () => {
    const { user, token, before } = await userWith(BASE);
    const response = await postPush(token, await patchBody(snap({ a: 'what this device saw' }), NEXT, 1));
    expect(response.status).toBe(409);
    expect(await json(response)).toMatchObject({ code: 'CONFLICT', localVersion: 1, serverVersion: 1 });
    expect(await listUser(user)).toEqual(before);
  });

  it('409 CONFLICT for a patch against a base the server no longer holds (deleted), nothing stored', async () => {
    const { user, token } = await userWith(BASE);
    expect((await call('/api/sync/tenure', { method: 'DELETE', token })).status).toBe(200);
    const response = await postPush(token, await patchBody(BASE, NEXT, 1));
    expect(response.status).toBe(409);
    expect(await json(response)).toMatchObject({ code: 'CONFLICT', serverVersion: 2, serverDeleted: true });
    expect((await listUser(user)).map((row) => row.split(' ')[0])).toEqual([`sync/${user}/tenure/current.json`]);
  });

  it('409 CONFLICT for a patch against an older kept version, nothing stored', async () => {
    const { user, token } = await userWith(BASE);
    expect((await push(token, 'tenure', NEXT, 1)).status).toBe(200);
    const before = await listUser(user);
    const response = await postPush(token, await patchBody(BASE, snap({ a: 'x' }), 1));
    expect(response.status).toBe(409);
    expect(await listUser(user)).toEqual(before);
  });

  it.each([
    ['a key both set and removed', { patch: { set: { a: 'x' }, remove: ['a'] } }],
    ['remove not an array', { patch: { set: {}, remove: 'a' } }],
    ['a non-string value in set', { patch: { set: { a: 1 }, remove: [] } }],
    ['no baseChecksum', { baseChecksum: undefined }],
    ['both data and patch', { data: { a: '1' } }],
  ])('400 BAD_REQUEST for %s', async (_, overrides) => {
    const { user, token, before } = await userWith(BASE);
    const response = await postPush(token, await patchBody(BASE, NEXT, 1, overrides));
    expect(response.status).toBe(400);
    expect(await listUser(user)).toEqual(before);
  });
});

describe('every push may carry its base checksum', () => {
  it("a full push whose baseChecksum is not the current version's conflicts (a version number reused after a DELETE)", async () => {
    const { token } = await userWith(BASE);
    const stale = await checksum(snap({ before: 'the delete' }));
    const body = {
      data: NEXT,
      version: 1,
      baseChecksum: stale,
      checksum: await checksum(NEXT),
      deviceId: 'device-b',
      timestamp: TIMESTAMP,
    };
    const response = await postPush(token, body);
    expect(response.status).toBe(409);
    expect(await pulledData(token)).toBe(canonicalJson(BASE));
    expect((await postPush(token, { ...body, baseChecksum: await checksum(BASE) })).status).toBe(200);
  });
});

describe('a race of patch and full pushes on one version', () => {
  it('commits exactly one of them when all read the head before any commits', async () => {
    for (let round = 0; round < 3; round++) {
      const { token } = await userWith(BASE);
      const racers = 4;
      const barrier = barrierBucket(env.BACKUPS, (c) => c.op === 'head' && c.key.endsWith('/current.json'), racers);
      const worker = createWorker({ bucket: () => barrier });
      const fetchVia = (path: string, init: RequestInit & { token?: string } = {}) => {
        const headers = new Headers(init.headers);
        headers.set('Authorization', `Bearer ${init.token}`);
        return worker.fetch(new Request(`http://x${path}`, { ...init, headers }), testEnv);
      };
      const datas = Array.from({ length: racers }, (_, i) => snap({ ...BASE, racer: String(i) }));
      const bodies = await Promise.all(
        datas.map(async (data, i) =>
          i % 2
            ? patchBody(BASE, data, 1, { deviceId: `racer-${i}` })
            : { data, version: 1, checksum: await checksum(data), deviceId: `racer-${i}`, timestamp: TIMESTAMP },
        ),
      );
      const statuses = await Promise.all(bodies.map(async (body) => (await postPush(token, body, fetchVia)).status));
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(racers - 1);
      expect(await pulledData(token)).toBe(canonicalJson(datas[statuses.indexOf(200)]!));
    }
  });
});
