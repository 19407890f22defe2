import { describe, expect, it } from 'vitest';
import { call, json, listUser, newUser, push, pushBody, snap, tokenFor } from './helpers.js';

const MIB = 1024 * 1024;

/** gzip of `totalBytes` zeros, compressed as a stream (never held inflated): about 1 KiB per MiB. */
async function gzippedZeros(totalBytes: number): Promise<Uint8Array> {
  const chunk = new Uint8Array(MIB);
  let sent = 0;
  const zeros = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= totalBytes) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.byteLength;
    },
  });
  return new Uint8Array(await new Response(zeros.pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
}

async function gzip(text: string): Promise<Uint8Array> {
  return new Uint8Array(
    await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer(),
  );
}

const gzipPush = (token: string, body: BodyInit, encoding = 'gzip') =>
  call('/api/sync/tenure/push', {
    method: 'POST',
    token,
    body,
    headers: { 'Content-Type': 'application/json', 'Content-Encoding': encoding },
  });

describe('gzip request bodies (DESIGN §8)', () => {
  it('stores a gzip-compressed push as if it were sent plain', async () => {
    const token = await tokenFor(newUser());
    const data = snap({ big: 'x'.repeat(50_000) });
    const response = await gzipPush(token, await gzip(JSON.stringify(await pushBody(data, 0))));
    expect(response.status).toBe(200);
    expect(
      ((await json(await call('/api/sync/tenure/pull', { token }))).data as Record<string, string>).big,
    ).toHaveLength(50_000);
  });

  it('413 for a gzip bomb (1 GiB of zeros in about 1 MB) soon, and the Worker still answers', async () => {
    const user = newUser();
    const token = await tokenFor(user);
    expect((await push(token, 'tenure', snap({ a: '1' }), 0)).status).toBe(200);
    const before = await listUser(user);
    const bomb = await gzippedZeros(1024 * MIB);
    expect(bomb.byteLength).toBeLessThan(2 * MIB);
    const started = Date.now();
    const response = await gzipPush(token, bomb);
    expect(response.status).toBe(413);
    expect(await json(response)).toEqual({ error: expect.any(String), code: 'PAYLOAD_TOO_LARGE' });
    // Inflating stops at the 10 MiB limit: far less work than the gigabyte behind it.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await listUser(user)).toEqual(before);
    expect((await call('/api/sync/tenure/meta', { token })).status).toBe(200);
  }, 120_000);

  it('400 BAD_REQUEST for a body marked gzip that is not gzip, nothing stored', async () => {
    const user = newUser();
    const token = await tokenFor(user);
    const response = await gzipPush(token, JSON.stringify(await pushBody(snap({ a: '1' }), 0)));
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: expect.any(String), code: 'BAD_REQUEST' });
    expect(await listUser(user)).toEqual([]);
  });

  it('400 BAD_REQUEST for a content encoding other than gzip', async () => {
    const token = await tokenFor(newUser());
    const response = await gzipPush(token, await gzip(JSON.stringify(await pushBody(snap({ a: '1' }), 0))), 'br');
    expect(response.status).toBe(400);
  });
});
