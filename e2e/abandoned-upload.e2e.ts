import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePortPair, startDevServer, type DevServer } from '../scripts/dev-server.mjs';
import { checksum } from '../sdk/contract/index.js';

// Its own `wrangler dev`, because what is asserted is what the Worker logs.
let server: DevServer;
let persistTo: string;

beforeAll(async () => {
  persistTo = mkdtempSync(join(tmpdir(), 'taco-sync-abandoned-'));
  server = await startDevServer({ port: await freePortPair(), persistTo });
});
afterAll(() => {
  server?.stop();
  rmSync(persistTo, { recursive: true, force: true });
});

const ANNOUNCED_BYTES = 4303;
const SENT_BYTES = 166;

async function tokenFor(sub: string): Promise<string> {
  const response = await fetch(`${server.url}/__dev/token?sub=${sub}&subscriptions=taco_club`);
  return ((await response.json()) as { token: string }).token;
}

/**
 * A push over a raw connection that announces `ANNOUNCED_BYTES`, sends `SENT_BYTES` of them and
 * then either half-closes (ends its side, still reading) or closes outright. Resolves once the
 * connection is closed.
 */
function abandonedPush(token: string, closing: 'half-close' | 'close'): Promise<void> {
  const port = Number(new URL(server.url).port);
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `POST /api/sync/tenure/push HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${ANNOUNCED_BYTES}\r\n\r\n`,
      );
      socket.write(`{"data":{"a":"${'x'.repeat(SENT_BYTES - 14)}"`, () =>
        closing === 'close' ? socket.destroy() : socket.end(),
      );
    });
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
  });
}

const until = async (ok: () => boolean, what: string, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${server.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('an upload the client abandons, through wrangler dev', () => {
  it('is no server fault: nothing logged as unexpected, nothing of it stored, the next push works', async () => {
    const user = `abandoned-${Date.now().toString(36)}`;
    const token = await tokenFor(user);
    for (const closing of ['half-close', 'close'] as const) await abandonedPush(token, closing);

    // A complete push afterwards: once wrangler has logged it, the abandoned ones were handled too.
    const data = { a: '1' };
    const complete = await fetch(`${server.url}/api/sync/tenure/push`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        data,
        version: 0,
        checksum: await checksum(data),
        deviceId: 'device-a',
        timestamp: new Date().toISOString(),
      }),
    });
    expect(complete.status).toBe(200);
    await until(() => /POST \/api\/sync\/tenure\/push 200/.test(server.output()), 'the complete push in the log');

    expect(server.output()).not.toContain('Unexpected error');
    const pulled = await fetch(`${server.url}/api/sync/tenure/pull`, { headers: { Authorization: `Bearer ${token}` } });
    expect(await pulled.json()).toMatchObject({ data, meta: { version: 1 }, availableVersions: [1] });
  });
});
