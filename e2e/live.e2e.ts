// Live updates (DESIGN §9) in real engines against `wrangler dev`, which has them on: a tab left
// open gets another device's commit with no action at all, through its relay's WebSocket.
import { expect, it } from 'vitest';
import { eachEngine, type Device } from './support/device.js';
import { uniqueUser } from './support/server.js';

const PROFILE = 'tenure_prospect_profile';
/** The bound: the other tab shows the edit within 5 s of the commit. */
const LIVE_WITHIN_MS = 5_000;
/** Opening the socket (and the first tab's leadership) on a busy 2-core machine. */
const SOCKET_OPEN_MS = 30_000;

const until = async <T>(read: () => Promise<T>, ok: (value: T) => boolean, timeout: number): Promise<T> => {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
};

const liveSocketOpen = (device: Device): boolean =>
  device.requests.some((r) => r.path.endsWith('/live') && r.status === 101);

eachEngine('live updates against wrangler dev', (devices) => {
  it("an open tab gets another device's edit within 5 s with no action at all", async () => {
    const user = uniqueUser('live');
    const a = await devices.open({ user, name: 'A', query: { live: '1' } });
    const b = await devices.open({ user, name: 'B', query: { live: '1' } });
    expect(await until(async () => liveSocketOpen(b), Boolean, SOCKET_OPEN_MS)).toBe(true);
    const beforeEdit = b.requests.length;

    await a.edit(PROFILE, 'typed on A');
    await a.syncNow();
    const committedAt = Date.now();
    const seen = await until(
      () => b.value(PROFILE),
      (value) => value === 'typed on A',
      LIVE_WITHIN_MS,
    );
    expect(seen).toBe('typed on A');
    expect(Date.now() - committedAt).toBeLessThan(LIVE_WITHIN_MS);
    // The pull applies the value before its commit records the version: poll until it settles.
    await expect.poll(() => b.state()).toMatchObject({ status: 'synced', version: 1 });
    // B checked and pulled once: no push, no page load, nothing pressed (the history element
    // re-reads the versions with a meta of its own after the change).
    const after = b.requests.slice(beforeEdit).map((r) => `${r.method} ${r.path.split('?')[0]}`);
    expect(after.slice(0, 2)).toEqual(['GET /api/sync/tenure/meta', 'GET /api/sync/tenure/pull']);
    expect(after.filter((r) => !r.startsWith('GET /api/sync/tenure/meta'))).toEqual(['GET /api/sync/tenure/pull']);
  });
});
