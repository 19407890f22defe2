import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  applyPatch,
  checksum,
  isPatchPull,
  parsePullAnswer,
  patchBetween,
  type PatchPullResponse,
  type PullAnswer,
  type Snapshot,
} from '../../sdk/contract/index.js';
import { createWorker } from '../src/index.js';
import { recordingBucket } from './bucket-wrappers.js';
import { call, json, listUser, newUser, push, snap, testEnv, tokenFor } from './helpers.js';

const TIMESTAMP = '2026-11-25T10:00:00.000Z';
const BASE = snap({ a: '1', b: '2', c: '3' });
const NEXT = snap({ a: '1', b: 'two', d: '4' });

/** A user whose versions 1..n hold `datas` in order (full pushes). */
async function userWith(...datas: Snapshot[]) {
  const user = newUser('patch-pull');
  const token = await tokenFor(user);
  for (const [i, data] of datas.entries()) expect((await push(token, 'tenure', data, i)).status).toBe(200);
  return { user, token };
}

/** `GET .../pull?since=N`, validated by the contract's parser as the SDK does. */
async function pullSince(token: string, since: number | string, fetch = call): Promise<PullAnswer> {
  const response = await fetch(`/api/sync/tenure/pull?since=${since}`, { token });
  expect(response.status).toBe(200);
  const parsed = parsePullAnswer(await response.json());
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/** The answer as a patch, checked end to end: applied to `base` it gives data with the current checksum. */
async function expectPatch(answer: PullAnswer, base: Snapshot, since: number): Promise<PatchPullResponse> {
  if (!isPatchPull(answer)) throw new Error('expected a patch answer, got the full data');
  expect(answer.baseVersion).toBe(since);
  expect(answer.baseChecksum).toBe(await checksum(base));
  expect(await checksum(applyPatch(base, answer.patch))).toBe(answer.meta.checksum);
  return answer;
}

const patchPushBody = async (base: Snapshot, next: Snapshot, version: number) => ({
  patch: patchBetween(base, next),
  version,
  baseChecksum: await checksum(base),
  checksum: await checksum(next),
  deviceId: 'device-p',
  timestamp: TIMESTAMP,
});

const versionsOf = (n: number): Snapshot[] => Array.from({ length: n }, (_, i) => snap({ ...BASE, n: String(i + 1) }));

describe('patch pulls: GET .../pull?since=N (DESIGN §9)', () => {
  it('answers the change of one full push as a patch against the version the device holds', async () => {
    const { token } = await userWith(BASE, NEXT);
    const answer = await expectPatch(await pullSince(token, 1), BASE, 1);
    expect(answer.patch).toEqual({ set: { b: 'two', d: '4' }, remove: ['c'] });
    expect(answer.meta).toMatchObject({ version: 2, checksum: await checksum(NEXT) });
    expect(answer.availableVersions).toEqual([1, 2]);
    expect(answer.versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('composes the changes of several commits, patch and full pushes alike, into one patch', async () => {
    const { token } = await userWith(BASE, NEXT);
    const third = snap({ a: 'one', b: 'two', c: 'back' });
    expect(
      (
        await call('/api/sync/tenure/push', {
          method: 'POST',
          token,
          body: JSON.stringify(await patchPushBody(NEXT, third, 2)),
        })
      ).status,
    ).toBe(200);
    expect((await push(token, 'tenure', snap({ ...third, e: '5' }), 3)).status).toBe(200);
    const answer = await expectPatch(await pullSince(token, 1), BASE, 1);
    expect(answer.patch).toEqual({ set: { a: 'one', b: 'two', c: 'back', e: '5' }, remove: ['d'] });
    await expectPatch(await pullSince(token, 2), NEXT, 2);
    await expectPatch(await pullSince(token, 3), third, 3);
  });

  it('answers a restore (an old version pushed again) as the patch back to it', async () => {
    const { token } = await userWith(BASE, NEXT, snap({ z: 'only' }));
    const v1 = (await json(await call('/api/sync/tenure/history/1', { token }))).data as Snapshot;
    expect((await push(token, 'tenure', v1, 3)).status).toBe(200);
    const answer = await expectPatch(await pullSince(token, 3), snap({ z: 'only' }), 3);
    expect(applyPatch(snap({ z: 'only' }), answer.patch)).toEqual(BASE);
    expect(applyPatch(BASE, (await expectPatch(await pullSince(token, 1), BASE, 1)).patch)).toEqual(BASE);
  });

  it('answers an empty patch with the current record when the device holds the current version', async () => {
    const { token } = await userWith(BASE, NEXT);
    const answer = await expectPatch(await pullSince(token, 2), NEXT, 2);
    expect(answer.patch).toEqual({ set: {}, remove: [] });
    expect(answer.meta.version).toBe(2);
  });

  it.each([
    ['ahead of the current version', 3],
    ['0 (a device that holds nothing)', 0],
  ])('answers the full data when since is %s', async (_, since) => {
    const { token } = await userWith(BASE, NEXT);
    const answer = await pullSince(token, since);
    expect(isPatchPull(answer)).toBe(false);
    expect(answer).toMatchObject({ data: NEXT, meta: { version: 2 } });
  });

  it('answers the full data for a base the Worker no longer keeps, and a patch for the oldest it still can', async () => {
    const datas = versionsOf(7);
    const { token } = await userWith(...datas);
    expect(isPatchPull(await pullSince(token, 1))).toBe(false);
    expect(await pullSince(token, 1)).toMatchObject({ data: datas[6], meta: { version: 7 } });
    // Versions 3..7 are kept with what each changed; version 3's change applies to version 2.
    const oldest = await expectPatch(await pullSince(token, 2), datas[1]!, 2);
    expect(oldest.patch).toEqual({ set: { n: '7' }, remove: [] });
  });

  it('answers the full data when a change file is missing', async () => {
    const { user, token } = await userWith(...versionsOf(3));
    await env.BACKUPS.delete(`sync/${user}/tenure/history/2.patch.json`);
    expect(isPatchPull(await pullSince(token, 1))).toBe(false);
    await expectPatch(await pullSince(token, 2), versionsOf(3)[1]!, 2);
  });

  it('answers the full data when a change file does not carry its kept version (left from other data)', async () => {
    const { user, token } = await userWith(...versionsOf(3));
    const key = `sync/${user}/tenure/history/3.patch.json`;
    const stale = (await env.BACKUPS.head(key))!;
    await env.BACKUPS.put(key, '{"set":{"n":"3"},"remove":[]}', {
      customMetadata: { ...stale.customMetadata, lastModified: '2020-01-01T00:00:00.000Z' },
    });
    expect(isPatchPull(await pullSince(token, 2))).toBe(false);
  });

  it('answers the full data when the changes since the base outweigh the data', async () => {
    const wide = (tag: string) =>
      snap(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`key-${i}`, `${tag}-${i}-${'x'.repeat(20)}`])));
    const { token } = await userWith(wide('one'), wide('two'), wide('three'));
    await expectPatch(await pullSince(token, 2), wide('two'), 2);
    expect(await pullSince(token, 1)).toMatchObject({ data: wide('three') });
  });

  it.each(['abc', '-1', '1.5', '', '1&since=2'])('400 BAD_REQUEST for since=%s', async (since) => {
    const { token } = await userWith(BASE);
    const response = await call(`/api/sync/tenure/pull?since=${since}`, { token });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: expect.any(String), code: 'BAD_REQUEST' });
  });

  it('404 NOT_FOUND with since when nothing is stored', async () => {
    const token = await tokenFor(newUser());
    expect((await call('/api/sync/tenure/pull?since=1', { token })).status).toBe(404);
  });
});

describe('the change files', () => {
  it('are kept with their history files: none for version 1, the one of v-5 trimmed with its history', async () => {
    const { user } = await userWith(...versionsOf(7));
    const files = (await listUser(user))
      .map((row) => row.split(' ')[0]!.replace(/^.*\/history\//, 'history/'))
      .filter((key) => key.startsWith('history/'));
    expect(files.sort()).toEqual(
      [3, 4, 5, 6, 7].flatMap((v) => [`history/${v}.json`, `history/${v}.patch.json`]).sort(),
    );
  });

  it('are deleted by DELETE with everything else', async () => {
    const { user, token } = await userWith(...versionsOf(3));
    expect((await call('/api/sync/tenure', { method: 'DELETE', token })).status).toBe(200);
    expect((await listUser(user)).map((row) => row.split(' ')[0])).toEqual([`sync/${user}/tenure/current.json`]);
  });
});

describe('the R2 operations of a patch pull', () => {
  it('one head of current.json and one get per version since; the data is never read', async () => {
    const { token } = await userWith(...versionsOf(5));
    const recording = recordingBucket(env.BACKUPS);
    const worker = createWorker({ bucket: () => recording.bucket });
    const via = (path: string, init: RequestInit & { token?: string } = {}) =>
      worker.fetch(new Request(`http://x${path}`, { headers: { Authorization: `Bearer ${init.token}` } }), testEnv);
    const opsOf = async (since: number) => {
      recording.calls.splice(0);
      await pullSince(token, since, via);
      return recording.calls.map((c) => `${c.op} ${c.key.replace(/^sync\/[^/]+\/tenure\//, '')}`);
    };
    expect(await opsOf(4)).toEqual(['head current.json', 'get history/5.patch.json']);
    expect((await opsOf(2)).sort()).toEqual([
      'get history/3.patch.json',
      'get history/4.patch.json',
      'get history/5.patch.json',
      'head current.json',
    ]);
    expect(await opsOf(5)).toEqual(['head current.json']);
  });
});
