import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { canonicalJson, type Snapshot } from '../../sdk/contract/index.js';
import { createWorker } from '../src/index.js';
import { barrierBucket, interceptBucket, recordingBucket, stallingBucket, type BucketCall } from './bucket-wrappers.js';
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

captureErrorLogs();

const ROUNDS = 20;
const RACERS = 8;
/** Tests of many rounds get a generous limit: the machine is shared, and a round is real R2 work. */
const ROUNDS_TIMEOUT_MS = 120_000;
/** Devices pushing while a DELETE runs, and how many pushes each tries at most. */
const DELETE_RACERS = 3;
const PUSHES_PER_RACER = 6;

type Fetch = (request: Request) => Promise<Response>;
const blackBox: Fetch = (request) => createWorker().fetch(request, testEnv);

async function pushWith(
  fetch: Fetch,
  token: string,
  data: Snapshot,
  version: number,
  deviceId: string,
): Promise<Response> {
  return fetch(
    new Request('http://x/api/sync/tenure/push', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify(await pushBody(data, version, deviceId)),
    }),
  );
}

const keyOfRow = (row: string): string => row.split(' ')[0]!;
const headOfCurrent = (c: BucketCall): boolean => c.op === 'head' && c.key.endsWith('/current.json');
const commitOfCurrent = (c: BucketCall): boolean => c.op === 'put' && c.key.endsWith('/current.json');

/** Starts a push that stalls right after the first R2 call `at` matches; resolves once it is held there. */
async function stalledPush(
  token: string,
  at: (c: BucketCall) => boolean,
  data: Snapshot,
  version: number,
  deviceId: string,
) {
  const stall = stallingBucket(env.BACKUPS, at);
  const worker = createWorker({ bucket: () => stall.bucket });
  const response = pushWith((r) => worker.fetch(r, testEnv), token, data, version, deviceId);
  await stall.stalled;
  return { release: stall.release, response };
}

/** Races RACERS pushes on one base version; asserts exactly one commits and only its data is stored. */
async function raceOnce(round: number, fetchFor: () => Fetch): Promise<void> {
  const user = newUser(`race${round}`);
  const token = await tokenFor(user);
  const committed = new Map<number, string>();
  // Odd rounds race on an existing version (etagMatches), even rounds on the first one (create-only).
  const base = round % 2;
  if (base === 1) {
    const seed = snap({ seed: String(round) });
    expect((await push(token, 'tenure', seed, 0)).status).toBe(200);
    committed.set(1, canonicalJson(seed));
  }

  const fetch = fetchFor();
  const datas = Array.from({ length: RACERS }, (_, i) => snap({ racer: String(i), round: String(round) }));
  const responses = await Promise.all(datas.map((data, i) => pushWith(fetch, token, data, base, `racer-${i}`)));
  const statuses = responses.map((r) => r.status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(1);
  expect(statuses.filter((s) => s === 409)).toHaveLength(RACERS - 1);

  const winner = statuses.indexOf(200);
  const winnerBody = await json(responses[winner]!);
  expect(winnerBody.version).toBe(base + 1);
  for (const [i, response] of responses.entries()) {
    if (i !== winner)
      expect(await json(response)).toMatchObject({
        code: 'CONFLICT',
        localVersion: base,
        serverVersion: base + 1,
        serverDeviceId: `racer-${winner}`,
      });
  }

  const winnerCanonical = canonicalJson(datas[winner]!);
  committed.set(base + 1, winnerCanonical);
  const current = JSON.parse((await storedText(`sync/${user}/tenure/current.json`))!) as { data: Snapshot };
  expect(canonicalJson(current.data)).toBe(winnerCanonical);
  expect(await storedText(`sync/${user}/tenure/history/${base + 1}.json`)).toBe(winnerCanonical);
  await expectConsistent(user, token, committed);

  // No loser's data is anywhere in the bucket.
  for (const key of (await listUser(user)).map((row) => row.split(' ')[0]!)) {
    const text = (await storedText(key))!;
    for (const [i] of datas.entries()) if (i !== winner) expect(text).not.toContain(`"racer":"${i}"`);
  }
}

/**
 * One device pushing in a chain from `version` through `fetch`: after each 200 it pushes on top of
 * it, after a 409 it rebases on the version the server reports, and it stops once the server says
 * the data was deleted (the DELETE won) or after {@link PUSHES_PER_RACER} tries.
 */
async function pushInChain(fetch: Fetch, token: string, deviceId: string, version: number): Promise<void> {
  let base = version;
  for (let n = 0; n < PUSHES_PER_RACER && base > 0; n++) {
    const response = await pushWith(fetch, token, snap({ device: deviceId, n: String(n) }), base, deviceId);
    const body = await json(response);
    if (response.status === 200) base = body.version as number;
    // A tombstone: this device does not upload again (the SDK asks its person first).
    else if (response.status === 409 && body.serverDeleted) return;
    else if (response.status === 409) base = body.serverVersion as number;
    else expect.fail(`push answered ${response.status}: ${JSON.stringify(body)}`);
  }
}

describe('concurrent pushes on the same base version', () => {
  it(
    `commit exactly one of ${RACERS}, ${ROUNDS} rounds, through the Worker as deployed`,
    async () => {
      for (let round = 0; round < ROUNDS; round++) await raceOnce(round, () => blackBox);
    },
    ROUNDS_TIMEOUT_MS,
  );

  it(
    `commit exactly one of ${RACERS} when all have read the head before any commits, ${ROUNDS} rounds`,
    async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const barrier = barrierBucket(env.BACKUPS, headOfCurrent, RACERS);
        const recording = recordingBucket(barrier);
        const worker = createWorker({ bucket: () => recording.bucket });
        await raceOnce(round, () => (request) => worker.fetch(request, testEnv));
        // Every racer passed the version check and tried to commit: the conditional put decided.
        expect(recording.calls.filter(commitOfCurrent)).toHaveLength(RACERS);
      }
    },
    ROUNDS_TIMEOUT_MS,
  );
});

describe('a push that stalls between its head and its commit', () => {
  it('conflicts after others committed and a restore brought back the same bytes (ABA)', async () => {
    const user = newUser('aba');
    const token = await tokenFor(user);
    const original = snap({ note: 'original' });
    expect((await push(token, 'tenure', original, 0, 'device-a')).status).toBe(200);

    const stalled = await stalledPush(token, headOfCurrent, snap({ note: 'stale edit' }), 1, 'device-b');

    expect((await push(token, 'tenure', snap({ note: 'changed' }), 1, 'device-a')).status).toBe(200);
    // The restore: the very same data from the very same device, so the data bytes are identical.
    expect((await push(token, 'tenure', original, 2, 'device-a')).status).toBe(200);
    expect(await storedText(`sync/${user}/tenure/history/3.json`)).toBe(
      await storedText(`sync/${user}/tenure/history/1.json`),
    );

    stalled.release();
    const response = await stalled.response;
    expect(response.status).toBe(409);
    expect(await json(response)).toMatchObject({
      code: 'CONFLICT',
      localVersion: 1,
      serverVersion: 3,
      serverDeviceId: 'device-a',
    });

    const committed = new Map([
      [1, canonicalJson(original)],
      [2, canonicalJson(snap({ note: 'changed' }))],
      [3, canonicalJson(original)],
    ]);
    expect(await expectConsistent(user, token, committed)).toBe(3);
    for (const row of await listUser(user)) expect(await storedText(row.split(' ')[0]!)).not.toContain('stale edit');
  });

  it("conflicts with the tombstone's version when a DELETE ran in between", async () => {
    const user = newUser('del');
    const token = await tokenFor(user);
    expect((await push(token, 'tenure', snap({ a: '1' }), 0)).status).toBe(200);

    const stalled = await stalledPush(token, headOfCurrent, snap({ a: '2' }), 1, 'device-b');
    expect(
      (
        await blackBox(
          new Request('http://x/api/sync/tenure', { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } }),
        )
      ).status,
    ).toBe(200);

    stalled.release();
    const response = await stalled.response;
    expect(await json(response)).toMatchObject({
      code: 'CONFLICT',
      localVersion: 1,
      serverVersion: 2,
      serverModified: expect.any(String),
      serverDeviceId: null,
      serverDeleted: true,
    });
    expect((await listUser(user)).map(keyOfRow)).toEqual([`sync/${user}/tenure/current.json`]);
  });

  it('leaves nothing behind when a DELETE ran between its commit and its history write', async () => {
    const user = newUser('late');
    const token = await tokenFor(user);
    for (let v = 0; v < 2; v++) expect((await push(token, 'tenure', snap({ v: String(v + 1) }), v)).status).toBe(200);

    const stalled = await stalledPush(token, commitOfCurrent, snap({ v: '3' }), 2, 'device-a');
    expect(
      (
        await blackBox(
          new Request('http://x/api/sync/tenure', { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } }),
        )
      ).status,
    ).toBe(200);
    stalled.release();
    // Committed before the DELETE finished, so acknowledged, and then deleted with the rest.
    expect((await stalled.response).status).toBe(200);

    // Its history/3.json and meta.json landed after the DELETE answered; it deleted them again.
    expect((await listUser(user)).map(keyOfRow)).toEqual([`sync/${user}/tenure/current.json`]);
    expect((await push(token, 'tenure', snap({ v: 'again' }), 3)).status).toBe(409);
    const meta = await json(
      await blackBox(new Request('http://x/api/sync/tenure/meta', { headers: { Authorization: `Bearer ${token}` } })),
    );
    expect(meta).toEqual({
      success: true,
      exists: false,
      meta: null,
      availableVersions: [],
      versions: [],
      deleted: { version: 4, deletedAt: expect.any(String) },
    });

    const fresh = snap({ v: 'fresh 1' });
    expect((await push(token, 'tenure', fresh, 4)).status).toBe(200);
    const metaFile = JSON.parse((await storedText(`sync/${user}/tenure/meta.json`))!) as Record<string, unknown>;
    expect(metaFile).toMatchObject({ version: 5, versions: [5] });
    expect(await expectConsistent(user, token, new Map([[5, canonicalJson(fresh)]]))).toBe(5);
  });

  it('a push racing a DELETE keeps the history files of the versions after the tombstone, which take new numbers', async () => {
    const user = newUser('reuse');
    const token = await tokenFor(user);
    const stalled = await stalledPush(token, commitOfCurrent, snap({ epoch: 'before the delete' }), 0, 'device-a');
    expect(
      await json(
        await blackBox(
          new Request('http://x/api/sync/tenure', { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } }),
        ),
      ),
    ).toMatchObject({ version: 2 });
    const fresh = snap({ epoch: 'after the delete' });
    expect(await json(await push(token, 'tenure', fresh, 2, 'device-b'))).toMatchObject({ version: 3 });
    const newer = snap({ epoch: 'after the delete', more: '2' });
    expect((await push(token, 'tenure', newer, 3, 'device-b')).status).toBe(200);

    stalled.release();
    expect((await stalled.response).status).toBe(200);

    // The stalled push's own files (v1) are gone; every file of the versions after the tombstone stays.
    expect(await storedText(`sync/${user}/tenure/history/1.json`)).toBeNull();
    expect(await storedText(`sync/${user}/tenure/history/3.json`)).toBe(canonicalJson(fresh));
    expect(JSON.parse((await storedText(`sync/${user}/tenure/meta.json`))!)).toMatchObject({ version: 4 });
    expect(await json(await call('/api/sync/tenure/meta', { token }))).toMatchObject({ availableVersions: [3, 4] });
    expect(
      await expectConsistent(
        user,
        token,
        new Map([
          [3, canonicalJson(fresh)],
          [4, canonicalJson(newer)],
        ]),
      ),
    ).toBe(4);
  });

  it('never moves meta.json backwards nor prunes newer history when an older push finishes after a newer one', async () => {
    const user = newUser('meta');
    const token = await tokenFor(user);
    expect((await push(token, 'tenure', snap({ v: '1' }), 0)).status).toBe(200);
    const slow = await stalledPush(token, commitOfCurrent, snap({ v: '2' }), 1, 'device-a');
    expect((await push(token, 'tenure', snap({ v: '3' }), 2, 'device-b')).status).toBe(200);
    slow.release();
    expect(await json(await slow.response)).toMatchObject({ version: 2 });

    expect(JSON.parse((await storedText(`sync/${user}/tenure/meta.json`))!)).toMatchObject({
      version: 3,
      deviceId: 'device-b',
    });
    // The late push's pruning must not take the newer version's history for a leftover.
    expect(await storedText(`sync/${user}/tenure/history/3.json`)).toBe(canonicalJson(snap({ v: '3' })));
    expect((await push(token, 'tenure', snap({ v: '4' }), 3)).status).toBe(200);
    const committed = new Map([1, 2, 3, 4].map((v) => [v, canonicalJson(snap({ v: String(v) }))]));
    expect(await expectConsistent(user, token, committed)).toBe(4);
    expect(await json(await call('/api/sync/tenure/meta', { token }))).toMatchObject({
      availableVersions: [1, 2, 3, 4],
    });
  });

  it('answers 200 to both when the same push is sent twice at once', async () => {
    const user = newUser('twice');
    const token = await tokenFor(user);
    const barrier = barrierBucket(env.BACKUPS, headOfCurrent, 2);
    const worker = createWorker({ bucket: () => barrier });
    const body = JSON.stringify(await pushBody(snap({ a: '1' }), 0, 'device-a'));
    const send = () =>
      worker.fetch(
        new Request('http://x/api/sync/tenure/push', {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}` },
          body,
        }),
        testEnv,
      );
    const responses = await Promise.all([send(), send()]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect((await json(responses[0]!)).version).toBe(1);
    expect((await json(responses[1]!)).version).toBe(1);
  });
});

describe('a DELETE racing pushes', () => {
  it(
    `answers 200 only when nothing but the tombstone is stored any more, ${ROUNDS} rounds, 0 leftovers`,
    async () => {
      const leftovers: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const user = newUser(`delrace${round}`);
        const token = await tokenFor(user);
        for (let v = 0; v < 2; v++)
          expect((await push(token, 'tenure', snap({ seed: String(v) }), v)).status).toBe(200);

        // The DELETE starts right after the pushers' k-th R2 call, a later one each round, so over
        // the rounds it lands at every step of a push (before, during and after commits).
        let deleted: Promise<Response> | undefined;
        let calls = 0;
        const startDelete = () =>
          (deleted ??= blackBox(
            new Request('http://x/api/sync/tenure', {
              method: 'DELETE',
              headers: { Authorization: `Bearer ${token}` },
            }),
          ));
        const bucket = interceptBucket(env.BACKUPS, async (_, run) => {
          const result = await run();
          if (++calls === round + 1) startDelete();
          return result;
        });
        const worker = createWorker({ bucket: () => bucket });
        // Every push is based on a version >= 1 and stops at the tombstone, so none commits after
        // the DELETE: whatever is stored after all of them settle, but the tombstone, is left over.
        await Promise.all(
          Array.from({ length: DELETE_RACERS }, (_, i) =>
            pushInChain((r) => worker.fetch(r, testEnv), token, `racer-${i}`, 2),
          ),
        );
        const answer = await startDelete();
        expect(answer.status).toBe(200);
        const { version, deleted: found } = await json(answer);
        expect(found).toBe(true);
        expect(await json(await call('/api/sync/tenure/meta', { token }))).toMatchObject({
          exists: false,
          deleted: { version },
        });
        leftovers.push(
          ...(await listUser(user)).map(keyOfRow).filter((key) => key !== `sync/${user}/tenure/current.json`),
        );
      }
      expect(leftovers).toEqual([]);
    },
    ROUNDS_TIMEOUT_MS,
  );
});
