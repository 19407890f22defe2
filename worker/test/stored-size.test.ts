import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  checksum,
  MAX_SNAPSHOT_KEYS,
  patchBetween,
  utf8ByteLength,
  type Snapshot,
} from '../../sdk/contract/index.js';
import type { WorkerEnv } from '../src/config.js';
import { createWorker } from '../src/index.js';
import { MAX_PUSH_BODY_STRINGS, refuseTooManyKeys } from '../src/stored-size.js';
import { captureErrorLogs, json, listUser, newUser, pushBody, snap, testEnv, tokenFor } from './helpers.js';

const TIMESTAMP = '2026-11-25T10:00:00.000Z';
/** A Worker that stores at most 1,000 bytes per user and app, against the real local R2. */
const small: WorkerEnv = { ...testEnv, MAX_STORED_BYTES: '1000' };
const worker = createWorker();

const postPush = (token: string, body: unknown, env: WorkerEnv = small) =>
  worker.fetch(
    new Request('http://x/api/sync/tenure/push', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
    env,
  );

async function patchBody(base: Snapshot, next: Snapshot, version: number) {
  return {
    patch: patchBetween(base, next),
    version,
    baseChecksum: await checksum(base),
    checksum: await checksum(next),
    deviceId: 'device-p',
    timestamp: TIMESTAMP,
  };
}

const pulled = async (token: string): Promise<Record<string, unknown>> =>
  json(
    await worker.fetch(
      new Request('http://x/api/sync/tenure/pull', { headers: { Authorization: `Bearer ${token}` } }),
      small,
    ),
  );

describe('stored size is bounded (MAX_STORED_BYTES, DESIGN §11)', () => {
  captureErrorLogs();

  it('refuses a patch whose result would exceed MAX_STORED_BYTES with 413, stores nothing, and takes the next honest push', async () => {
    const user = newUser();
    const token = await tokenFor(user);
    const base = snap({ a: 'x'.repeat(500) });
    expect((await postPush(token, await pushBody(base, 0))).status).toBe(200);
    const before = await listUser(user);

    const grown = snap({ a: 'x'.repeat(500), b: 'y'.repeat(500) });
    expect(utf8ByteLength(canonicalJson(grown))).toBeGreaterThan(1000);
    const refused = await postPush(token, await patchBody(base, grown, 1));
    expect(refused.status).toBe(413);
    expect(await json(refused)).toEqual({
      error: 'This data is too large to sync: 1015 bytes, and the sync server keeps at most 1000 bytes.',
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(await listUser(user)).toEqual(before);

    const honest = snap({ a: 'x'.repeat(500), b: 'small' });
    const accepted = await postPush(token, await patchBody(base, honest, 1));
    expect([accepted.status, (await json(accepted)).version]).toEqual([200, 2]);
    expect((await pulled(token)).data).toEqual(honest);
  });

  it('refuses a full push over MAX_STORED_BYTES with 413 before its checksum is looked at, nothing stored', async () => {
    const user = newUser();
    const token = await tokenFor(user);
    const body = { ...(await pushBody(snap({ big: 'z'.repeat(1200) }), 0)), checksum: 'not-even-a-checksum' };
    const response = await postPush(token, body);
    expect([response.status, (await json(response)).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(await listUser(user)).toEqual([]);
  });

  it('stores data of exactly MAX_STORED_BYTES', async () => {
    const data = snap({ k: 'v'.repeat(1000 - '{"k":""}'.length) });
    expect(utf8ByteLength(canonicalJson(data))).toBe(1000);
    expect((await postPush(await tokenFor(newUser()), await pushBody(data, 0))).status).toBe(200);
  });

  it('refuses a snapshot over the key cap with 413 before parsing it, nothing stored', async () => {
    const user = newUser();
    const token = await tokenFor(user);
    const keys = Array.from({ length: MAX_PUSH_BODY_STRINGS }, (_, i) => `"${i}":""`).join(',');
    const text = `{"data":{${keys}},"version":0,"checksum":"x","deviceId":"d","timestamp":"${TIMESTAMP}"}`;
    expect(() => refuseTooManyKeys(text)).toThrow(/too large to sync: more than 100000 keys/);
    const response = await postPush(token, text, testEnv);
    expect([response.status, (await json(response)).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(await listUser(user)).toEqual([]);
  });

  it('refuses a snapshot of one key more than the cap (parsed, then counted), and stores one at the cap', async () => {
    const entries = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`${i}`, '']));
    const over = await postPush(await tokenFor(newUser()), await pushBody(entries(MAX_SNAPSHOT_KEYS + 1), 0), testEnv);
    expect([over.status, (await json(over)).error]).toEqual([
      413,
      `This data is too large to sync: ${MAX_SNAPSHOT_KEYS + 1} keys, and the sync server keeps at most ${MAX_SNAPSHOT_KEYS}.`,
    ]);
    expect(
      (await postPush(await tokenFor(newUser()), await pushBody(entries(MAX_SNAPSHOT_KEYS), 0), testEnv)).status,
    ).toBe(200);
  });

  it('counts only unescaped quotes, so values full of escaped quotes are not keys', () => {
    const value = '\\"'.repeat(2 * MAX_PUSH_BODY_STRINGS);
    expect(refuseTooManyKeys(`{"data":{"k":"${value}"}}`)).toContain('"k"');
  });

  it('refuses a MAX_STORED_BYTES that a full push within MAX_BODY_BYTES could not carry', async () => {
    const response = await worker.fetch(new Request('http://x/api/sync/tenure/meta'), {
      ...testEnv,
      MAX_BODY_BYTES: '100000',
      MAX_STORED_BYTES: '99000',
    });
    expect([response.status, await json(response)]).toEqual([500, { error: 'Internal error', code: 'INTERNAL' }]);
  });
});
