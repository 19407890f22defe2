import { describe, expect, it } from 'vitest';
import { checksum, snapshotFromEntries } from '../contract/index.js';
import {
  AuthError,
  BadResponseError,
  ConflictError,
  ForbiddenError,
  isRetryable,
  NetworkError,
  PayloadTooLargeError,
  RequestError,
  ServerError,
} from '../core/errors.js';
import { FakeSyncServer } from '../test-support/fake-server.js';
import { fakeToken } from '../test-support/tokens.js';
import { fetchTransport, parseRetryAfterMs } from './fetch-transport.js';

const token = fakeToken(['sync_tenure']);
const setup = () => {
  const server = new FakeSyncServer();
  return { server, transport: fetchTransport({ endpoint: 'https://sync.test/', app: 'tenure', fetch: server.fetch }) };
};
const pushBody = async (data = snapshotFromEntries([['a', '1']]), version = 0) => ({
  data,
  version,
  checksum: await checksum(data),
  deviceId: 'device-a',
  timestamp: '2026-11-01T00:00:00.000Z',
});

describe('fetchTransport', () => {
  it('sends the bearer token to the app endpoint and returns the validated meta', async () => {
    const { server, transport } = setup();
    await expect(transport.meta(token)).resolves.toEqual({
      success: true,
      exists: false,
      meta: null,
      availableVersions: [],
      versions: [],
    });
    expect(server.requests[0]?.path).toBe('/api/sync/tenure/meta');
  });

  it('pushes, pulls and reads history', async () => {
    const { transport } = setup();
    const body = await pushBody();
    expect((await transport.push(body, token)).version).toBe(1);
    expect(await transport.pull(token)).toMatchObject({ data: { a: '1' } });
    expect((await transport.history(1, token)).meta.checksum).toBe(body.checksum);
  });

  it('pulls with since as /pull?since=N and takes a patch answer; without since only the full data', async () => {
    const { server, transport } = setup();
    await transport.push(await pushBody(), token);
    await server.seed(
      'tenure',
      snapshotFromEntries([
        ['a', '1'],
        ['b', '2'],
      ]),
    );
    expect(await transport.pull(token, { since: 1 })).toMatchObject({
      baseVersion: 1,
      patch: { set: { b: '2' }, remove: [] },
      meta: { version: 2 },
    });
    expect(server.requests.at(-1)).toMatchObject({ path: '/api/sync/tenure/pull', since: 1 });
    expect(await transport.pull(token)).toMatchObject({ data: { a: '1', b: '2' } });
    expect(server.requests.at(-1)).not.toHaveProperty('since');
  });

  it('passes keepalive through to fetch', async () => {
    const { server, transport } = setup();
    await transport.push(await pushBody(), token, { keepalive: true });
    expect(server.requests[0]?.keepalive).toBe(true);
  });

  it('turns a 409 into a ConflictError carrying the server version', async () => {
    const { server, transport } = setup();
    await server.seed('tenure', snapshotFromEntries([['b', '2']]));
    const error = await transport.push(await pushBody(), token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).conflict).toMatchObject({
      localVersion: 0,
      serverVersion: 1,
      serverDeviceId: 'other-device',
    });
  });

  it('maps statuses to typed errors', async () => {
    const { server, transport } = setup();
    const cases: [number, string, unknown][] = [
      [401, 'UNAUTHORIZED', AuthError],
      [403, 'FORBIDDEN', ForbiddenError],
      [413, 'PAYLOAD_TOO_LARGE', PayloadTooLargeError],
      [400, 'BAD_REQUEST', RequestError],
      [503, 'UNAVAILABLE', ServerError],
      [429, 'RATE_LIMITED', ServerError],
    ];
    for (const [status, code, type] of cases) {
      server.failNext({ status, code: code as never });
      const error = await transport.meta(token).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(type);
    }
  });

  it('reads Retry-After on 503 and 429', async () => {
    const { server, transport } = setup();
    server.failNext({ status: 503, code: 'UNAVAILABLE', retryAfter: '7' });
    const error = (await transport.meta(token).catch((e: unknown) => e)) as ServerError;
    expect([error.code, error.status, error.retryAfterMs]).toEqual(['UNAVAILABLE', 503, 7000]);
  });

  it('reports an unreachable server as a NetworkError and a malformed body as a BadResponseError', async () => {
    const { server, transport } = setup();
    server.failNext({ status: 0, code: 'INTERNAL', network: true });
    await expect(transport.meta(token)).rejects.toBeInstanceOf(NetworkError);
    const odd = fetchTransport({
      endpoint: 'https://x',
      app: 'tenure',
      fetch: async () => new Response('{"success":true}'),
    });
    await expect(odd.meta(token)).rejects.toBeInstanceOf(BadResponseError);
    const html = fetchTransport({ endpoint: 'https://x', app: 'tenure', fetch: async () => new Response('<html>') });
    await expect(html.pull(token)).rejects.toBeInstanceOf(BadResponseError);
  });

  it("reports a 404 that is not the Worker's (an endpoint pointing at a web server) as a BadResponseError INTERNAL, retried", async () => {
    const staticServer = fetchTransport({
      endpoint: 'http://localhost:5173',
      app: 'notes',
      fetch: async () =>
        new Response('<!doctype html><title>Not Found</title>', {
          status: 404,
          headers: { 'content-type': 'text/html' },
        }),
    });
    const error = (await staticServer.meta(token).catch((e: unknown) => e)) as BadResponseError;
    expect(error).toBeInstanceOf(BadResponseError);
    expect([error.code, error.status]).toEqual(['INTERNAL', 404]);
    expect(error.message).toBe('HTTP 404');
    expect(isRetryable(error)).toBe(true);
  });

  it("keeps the Worker's own 404 a RequestError with its code and message", async () => {
    const worker = fetchTransport({
      endpoint: 'https://x',
      app: 'notes',
      fetch: async () => Response.json({ error: 'Unknown app', code: 'NOT_FOUND' }, { status: 404 }),
    });
    const error = (await worker.meta(token).catch((e: unknown) => e)) as RequestError;
    expect(error).toBeInstanceOf(RequestError);
    expect([error.code, error.message]).toEqual(['NOT_FOUND', 'Unknown app']);
  });

  it('deletes the cloud data', async () => {
    const { server, transport } = setup();
    await server.seed('tenure', snapshotFromEntries([['b', '2']]));
    await transport.delete(token);
    expect(server.current('tenure')).toBeUndefined();
  });
});

describe('parseRetryAfterMs', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-01T00:00:00Z');
    expect(parseRetryAfterMs('120', now)).toBe(120_000);
    expect(parseRetryAfterMs('Sun, 01 Nov 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs(null, now)).toBeNull();
    expect(parseRetryAfterMs('soon', now)).toBeNull();
  });
});
