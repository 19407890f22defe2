import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { canonicalJson, type VersionRecord } from '../../sdk/contract/index.js';
import { createWorker } from '../src/index.js';
import { failingBucket, recordingBucket, type BucketCall } from './bucket-wrappers.js';
import { expectConsistent } from './consistency.js';
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

const errorLogs = captureErrorLogs();

const WHEN = ['before', 'after'] as const;
const SEEDED_VERSIONS = 5;

/** A user with versions 1..5 stored, so the next push also prunes history/1. */
async function seededUser() {
  const user = newUser('fault');
  const token = await tokenFor(user);
  const committed = new Map<number, string>();
  for (let v = 0; v < SEEDED_VERSIONS; v++) {
    const data = snap({ v: String(v + 1) });
    expect((await push(token, 'tenure', data, v)).status).toBe(200);
    committed.set(v + 1, canonicalJson(data));
  }
  return { user, token, committed };
}

const describeCalls = (calls: BucketCall[]) =>
  calls.map((c) => `${c.op} ${c.key.replace(/^sync\/[^/]+\/tenure\//, '')}`);

/** The R2 calls of one push and of one DELETE, measured, so every k below is a real call. */
async function measureCalls() {
  const { token } = await seededUser();
  const recording = recordingBucket(env.BACKUPS);
  const worker = createWorker({ bucket: () => recording.bucket });
  const pushRequest = new Request('http://x/api/sync/tenure/push', {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: JSON.stringify(await pushBody(snap({ v: 'new' }), SEEDED_VERSIONS)),
  });
  expect((await worker.fetch(pushRequest, testEnv)).status).toBe(200);
  const pushCalls = describeCalls(recording.calls.splice(0));
  const read = async (path: string) => {
    expect(
      (
        await worker.fetch(
          new Request(`http://x/api/sync/tenure/${path}`, { headers: { Authorization: `Bearer ${token}` } }),
          testEnv,
        )
      ).status,
    ).toBe(200);
    return describeCalls(recording.calls.splice(0));
  };
  const readCalls = { meta: await read('meta'), pull: await read('pull') };
  expect(
    (
      await worker.fetch(
        new Request('http://x/api/sync/tenure', { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } }),
        testEnv,
      )
    ).status,
  ).toBe(200);
  return { pushCalls, readCalls, deleteCalls: describeCalls(recording.calls) };
}

const { pushCalls, readCalls, deleteCalls } = await measureCalls();

describe('the R2 calls of a push and a DELETE (what the fault injection walks through)', () => {
  it('a push: head, check the replaced version is in history, commit, history (unless a kept version holds its number), its change against the version before, prune, meta, check it is still kept', () => {
    expect(pushCalls).toEqual([
      'head current.json',
      'head history/5.json',
      'put current.json',
      'head history/6.json',
      'put history/6.json',
      'get history/5.json',
      'put history/6.patch.json',
      expect.stringMatching(/^delete history\/1\.json,.*history\/1\.patch\.json$/),
      'head meta.json',
      'put meta.json',
      'head current.json',
    ]);
  });

  it('the start-up check (meta) is one head and a pull one get: no list', () => {
    expect(readCalls).toEqual({ meta: ['head current.json'], pull: ['get current.json'] });
  });

  it('a DELETE: the tombstone over current.json first, then history and meta below it, then list until none is left', () => {
    expect(deleteCalls).toEqual([
      'head current.json',
      'put current.json',
      'list ',
      'head meta.json',
      expect.stringMatching(/^delete history\/2\.json,.*meta\.json/),
      'list ',
    ]);
  });
});

/** The 1-based index of a call in a measured sequence. */
const callNumber = (calls: string[], call: string): number => calls.indexOf(call) + 1;

describe.each(WHEN)('a push whose k-th R2 call fails %s reaching R2', (when) => {
  it.each(pushCalls.map((call, i) => [i + 1, call] as const))(
    'k=%i (%s): readers stay consistent and a retry ends in 200',
    async (k) => {
      const { user, token, committed } = await seededUser();
      const data = snap({ v: 'new' });
      const body = JSON.stringify(await pushBody(data, SEEDED_VERSIONS, 'device-a'));
      const send = (bucketFor?: () => ReturnType<typeof failingBucket>['bucket']) =>
        (bucketFor ? createWorker({ bucket: bucketFor }) : createWorker()).fetch(
          new Request('http://x/api/sync/tenure/push', {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}` },
            body,
          }),
          testEnv,
        );

      const faulty = failingBucket(env.BACKUPS, k, when);
      const failed = await send(() => faulty.bucket);
      const metaOnly = pushCalls[k - 1]!.includes('meta.json');
      const changeOnly =
        k === callNumber(pushCalls, 'get history/5.json') || k === callNumber(pushCalls, 'put history/6.patch.json');
      // meta.json and the change file are best effort: a failure is logged, the push still succeeds.
      expect(failed.status).toBe(metaOnly || changeOnly ? 200 : 503);
      if (!metaOnly && !changeOnly) expect(failed.headers.get('Retry-After')).toBe('1');
      expect(String(errorLogs.calls().flat())).toContain(
        metaOnly ? 'meta.json not updated' : changeOnly ? 'not recorded' : 'injected R2 failure',
      );

      // Whether or not the commit landed, every reader sees only committed data.
      const maybeCommitted = new Map(committed).set(SEEDED_VERSIONS + 1, canonicalJson(data));
      const current = await expectConsistent(user, token, maybeCommitted);
      const commit = callNumber(pushCalls, 'put current.json');
      const commitLanded = k > commit || (k === commit && when === 'after');
      expect(current).toBe(commitLanded ? SEEDED_VERSIONS + 1 : SEEDED_VERSIONS);
      if (!commitLanded) expect(await storedText(`sync/${user}/tenure/history/${SEEDED_VERSIONS + 1}.json`)).toBeNull();

      const retry = await send();
      expect(retry.status).toBe(200);
      expect(await json(retry)).toMatchObject({ success: true, version: SEEDED_VERSIONS + 1 });
      expect(await expectConsistent(user, token, maybeCommitted)).toBe(SEEDED_VERSIONS + 1);
      expect(await storedText(`sync/${user}/tenure/history/${SEEDED_VERSIONS + 1}.json`)).toBe(canonicalJson(data));
      expect((await listUser(user)).filter((row) => /\/history\/\d+\.json /.test(row))).toHaveLength(5);
      expect(JSON.parse((await storedText(`sync/${user}/tenure/meta.json`))!)).toMatchObject({
        version: SEEDED_VERSIONS + 1,
        versions: [2, 3, 4, 5, 6],
      });
    },
  );
});

describe.each(WHEN)('a DELETE whose k-th R2 call fails %s reaching R2', (when) => {
  it.each(deleteCalls.map((call, i) => [i + 1, String(call)] as const))(
    'k=%i (%s): readers see all of it or nothing, and a retry finishes',
    async (k) => {
      const { user, token, committed } = await seededUser();
      const remove = (bucketFor?: () => ReturnType<typeof failingBucket>['bucket']) =>
        (bucketFor ? createWorker({ bucket: bucketFor }) : createWorker()).fetch(
          new Request('http://x/api/sync/tenure', { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } }),
          testEnv,
        );

      const faulty = failingBucket(env.BACKUPS, k, when);
      const failed = await remove(() => faulty.bucket);
      expect(failed.status).toBe(503);
      expect(failed.headers.get('Retry-After')).toBe('1');

      const current = await expectConsistent(user, token, committed);
      const landed = (call: string) =>
        k > callNumber(deleteCalls, call) || (k === callNumber(deleteCalls, call) && when === 'after');
      expect(current).toBe(landed('put current.json') ? 0 : SEEDED_VERSIONS);

      const retry = await remove();
      expect(retry.status).toBe(200);
      const everythingDeleted = landed(deleteCalls[4]!);
      expect(await json(retry)).toEqual({ success: true, deleted: !everythingDeleted, version: SEEDED_VERSIONS + 1 });
      expect((await listUser(user)).map((row) => row.split(' ')[0])).toEqual([`sync/${user}/tenure/current.json`]);
      expect(await expectConsistent(user, token, committed)).toBe(0);
    },
  );
});

describe('a version whose push failed before writing its history file (DESIGN §7.7)', () => {
  it('stays listed and restorable once another device read it and pushed over it', async () => {
    const { user, token, committed } = await seededUser();
    const lost = snap({ v: 'served, then its history write failed' });
    const faulty = failingBucket(
      env.BACKUPS,
      callNumber(pushCalls, `put history/${SEEDED_VERSIONS + 1}.json`),
      'before',
    );
    const failed = await createWorker({ bucket: () => faulty.bucket }).fetch(
      new Request('http://x/api/sync/tenure/push', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify(await pushBody(lost, SEEDED_VERSIONS, 'device-a')),
      }),
      testEnv,
    );
    expect(failed.status).toBe(503);
    expect(await storedText(`sync/${user}/tenure/history/${SEEDED_VERSIONS + 1}.json`)).toBeNull();

    // Device B sees the committed version and pushes over it before device A retries.
    const served = await json(await call('/api/sync/tenure/pull', { token }));
    expect(served).toMatchObject({ data: { v: lost.v }, meta: { version: SEEDED_VERSIONS + 1 } });
    const next = snap({ v: 'from device b' });
    expect((await push(token, 'tenure', next, SEEDED_VERSIONS + 1, 'device-b')).status).toBe(200);

    const meta = await json(await call('/api/sync/tenure/meta', { token }));
    expect(meta.availableVersions).toEqual([3, 4, 5, 6, 7]);
    expect((meta.versions as VersionRecord[])[3]).toEqual(served.meta);
    const restored = await call(`/api/sync/tenure/history/${SEEDED_VERSIONS + 1}`, { token });
    expect(restored.status).toBe(200);
    expect(await json(restored)).toEqual({ success: true, data: { v: lost.v }, meta: served.meta });
    committed.set(SEEDED_VERSIONS + 1, canonicalJson(lost)).set(SEEDED_VERSIONS + 2, canonicalJson(next));
    expect(await expectConsistent(user, token, committed)).toBe(SEEDED_VERSIONS + 2);
  });
});
