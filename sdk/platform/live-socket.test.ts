import { describe, expect, it } from 'vitest';
import { webSocketConnector } from './live-socket.js';

const URL_OF_ROUTE = 'https://sync.test/api/sync/tenure/live';

/** A fetch that answers every request with `status` and records what was asked. */
function answering(status: number, seen: Request[] = []): typeof fetch {
  return (input, init) => {
    seen.push(new Request(input as string, init));
    return Promise.resolve(Response.json({ error: 'x', code: 'X' }, { status }));
  };
}

describe('why a live socket did not open, asked with a plain request', () => {
  it.each([
    [426, 'open'],
    [401, 'token'],
    [403, 'forbidden'],
    [501, 'disabled'],
    [404, 'disabled'],
    [500, 'transient'],
    [503, 'transient'],
  ] as const)('reads %i as %s', async (status, refusal) => {
    expect(await webSocketConnector({ url: URL_OF_ROUTE, fetch: answering(status) }).whyRefused('tok')).toBe(refusal);
  });

  it('asks the live route itself, with the token as a bearer header', async () => {
    const seen: Request[] = [];
    await webSocketConnector({ url: URL_OF_ROUTE, fetch: answering(426, seen) }).whyRefused('the-token');
    expect(seen.map((request) => [request.url, request.headers.get('authorization')])).toEqual([
      [URL_OF_ROUTE, 'Bearer the-token'],
    ]);
  });

  it('reads a request that got no answer as transient', async () => {
    const failing: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    expect(await webSocketConnector({ url: URL_OF_ROUTE, fetch: failing }).whyRefused('tok')).toBe('transient');
  });
});
