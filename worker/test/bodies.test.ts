import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createWorker } from '../src/index.js';
import {
  call,
  canonicalOf,
  captureErrorLogs,
  json,
  listUser,
  newUser,
  push,
  pushBody,
  snap,
  testEnv,
  tokenFor,
} from './helpers.js';

const errorLogs = captureErrorLogs();

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** A user with version 1 stored, and a way to prove a request changed nothing in R2. */
async function userWithOneVersion() {
  const user = newUser();
  const token = await tokenFor(user);
  expect((await push(token, 'tenure', snap({ a: '1' }), 0)).status).toBe(200);
  const before = await listUser(user);
  expect(before).toHaveLength(3);
  return { token, assertUntouched: async () => expect(await listUser(user)).toEqual(before) };
}

const rawPush = (token: string, body: BodyInit, headers: Record<string, string> = {}) =>
  call('/api/sync/tenure/push', {
    method: 'POST',
    token,
    body,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

/** A body streamed in chunks without Content-Length (chunked transfer encoding). */
function chunkedBody(totalBytes: number, chunkBytes = 64 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= totalBytes) return controller.close();
      const size = Math.min(chunkBytes, totalBytes - sent);
      controller.enqueue(new Uint8Array(size).fill(0x20));
      sent += size;
    },
  });
}

describe('bad bodies are refused and leave R2 untouched', () => {
  it.each([
    ['malformed JSON', '{"data":'],
    ['an empty body', ''],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
  ])('400 BAD_REQUEST for %s', async (_, body) => {
    const { token, assertUntouched } = await userWithOneVersion();
    const response = await rawPush(token, body);
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: expect.any(String), code: 'BAD_REQUEST' });
    await assertUntouched();
  });

  it.each([
    ['data missing', { data: undefined }],
    ['data an array', { data: ['a'] }],
    ['data a string', { data: '{"a":"1"}' }],
    ['a number value in data', { data: { a: 1 } }],
    ['a null value in data', { data: { a: null } }],
    ['a nested object in data', { data: { a: { b: 'c' } } }],
    ['version a string', { version: '1' }],
    ['version negative', { version: -1 }],
    ['version fractional', { version: 1.5 }],
    ['version missing', { version: undefined }],
    ['checksum a number', { checksum: 42 }],
    ['deviceId with a slash', { deviceId: 'a/b' }],
    ['deviceId too long', { deviceId: 'd'.repeat(65) }],
    ['timestamp missing', { timestamp: undefined }],
    ['timestamp not a date', { timestamp: 'yesterday-ish' }],
    ['timestamp a date in another format', { timestamp: 'March 7, 2024' }],
    ['timestamp a bare year', { timestamp: '2024' }],
    ['timestamp without a time zone', { timestamp: '2024-03-07T10:00:00' }],
    ['timestamp out of range', { timestamp: '2024-13-45T99:99:99Z' }],
  ])('400 BAD_REQUEST for %s', async (_, override) => {
    const { token, assertUntouched } = await userWithOneVersion();
    const body = { ...(await pushBody(snap({ a: '2' }), 1)), ...override };
    const response = await rawPush(token, JSON.stringify(body));
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ code: 'BAD_REQUEST' });
    await assertUntouched();
  });

  it('400 CHECKSUM_MISMATCH when checksum is not the checksum of data', async () => {
    const { token, assertUntouched } = await userWithOneVersion();
    const body = { ...(await pushBody(snap({ a: '2' }), 1)), checksum: (await pushBody(snap({ a: '3' }), 1)).checksum };
    const response = await rawPush(token, JSON.stringify(body));
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: expect.any(String), code: 'CHECKSUM_MISMATCH' });
    await assertUntouched();
  });

  it('400 CHECKSUM_MISMATCH for the hash of JSON.stringify instead of the canonical JSON', async () => {
    const { token, assertUntouched } = await userWithOneVersion();
    const data = snap({ b: '1', a: '2', '10': 'x' });
    expect(JSON.stringify(data)).not.toBe(canonicalOf(data));
    const digest = new Uint8Array(
      await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(data))),
    );
    const naive = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
    const response = await rawPush(token, JSON.stringify({ ...(await pushBody(data, 1)), checksum: naive }));
    expect(await json(response)).toMatchObject({ code: 'CHECKSUM_MISMATCH' });
    await assertUntouched();
  });

  it('ignores unknown fields', async () => {
    const { token } = await userWithOneVersion();
    const response = await rawPush(
      token,
      JSON.stringify({ ...(await pushBody(snap({ a: '2' }), 1)), extra: { x: 1 } }),
    );
    expect(response.status).toBe(200);
  });

  it('413 PAYLOAD_TOO_LARGE by Content-Length, over the default 10 MiB', async () => {
    const { token, assertUntouched } = await userWithOneVersion();
    const body = 'x'.repeat(MAX_BODY_BYTES + 1);
    const response = await rawPush(token, body);
    expect(response.status).toBe(413);
    expect(await json(response)).toEqual({ error: expect.any(String), code: 'PAYLOAD_TOO_LARGE' });
    await assertUntouched();
  });

  it('413 PAYLOAD_TOO_LARGE while reading a chunked body without Content-Length', async () => {
    const { token, assertUntouched } = await userWithOneVersion();
    const request = new Request('http://x/api/sync/tenure/push', {
      method: 'POST',
      body: chunkedBody(MAX_BODY_BYTES + 1),
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(request.headers.get('Content-Length')).toBeNull();
    const response = await exports.default.fetch(request);
    expect(response.status).toBe(413);
    expect(await json(response)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await assertUntouched();
  });

  it('400 BAD_REQUEST for an upload cut off before its end, logged as nothing unexpected', async () => {
    const { token, assertUntouched } = await userWithOneVersion();
    const text = JSON.stringify(await pushBody(snap({ a: 'x'.repeat(4000) }), 1));
    const cutOff = new ReadableStream<Uint8Array>({
      start(controller) {
        // What the runtime does when the client closes the connection after 166 of its bytes.
        controller.enqueue(new TextEncoder().encode(text.slice(0, 166)));
        controller.error(new Error('Network connection lost.'));
      },
    });
    const request = new Request('http://x/api/sync/tenure/push', {
      method: 'POST',
      body: cutOff,
      headers: { Authorization: `Bearer ${token}` },
    });
    // The handler itself, not through `exports.default`: a stream error there is not passed on as one.
    const response = await createWorker().fetch(request, testEnv);
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: expect.stringContaining('cut off'), code: 'BAD_REQUEST' });
    expect(String(errorLogs.calls().flat())).not.toContain('Unexpected error');
    await assertUntouched();
  });

  it('reads a chunked body under the limit and counts its bytes exactly at the limit', async () => {
    const user = newUser();
    const token = await tokenFor(user);
    const text = JSON.stringify(await pushBody(snap({ a: '1' }), 0));
    const bytes = new TextEncoder().encode(text);
    const worker = createWorker();
    const send = (limit: number) => {
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(bytes.slice(0, 10));
          c.enqueue(bytes.slice(10));
          c.close();
        },
      });
      const request = new Request('http://x/api/sync/tenure/push', {
        method: 'POST',
        body,
        headers: { Authorization: `Bearer ${token}` },
      });
      return worker.fetch(request, { ...testEnv, MAX_BODY_BYTES: String(limit) });
    };
    expect((await send(bytes.byteLength - 1)).status).toBe(413);
    expect(await listUser(user)).toEqual([]);
    expect((await send(bytes.byteLength)).status).toBe(200);
  });
});
