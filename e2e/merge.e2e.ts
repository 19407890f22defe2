// Merging (DESIGN §9) on the real Worker: two devices that changed different keys end with both
// changes and no dialog, the device the person returns to checks the server and shows the other's
// change, and a collision's dialog names only the key both devices changed.
import { expect, it } from 'vitest';
import { RETURN_CHECK_MS } from '../sdk/create-sync.js';
import { eachEngine, type Device, type Devices } from './support/device.js';
import { ServerClient, uniqueUser } from './support/server.js';

const PROFILE = 'tenure_prospect_profile';
const GOALS = 'tenure_prosper_goals';
const APPLICATIONS = 'tenure_prospect_applications';

/** Device A (with `clock` when asked) pushes the base as version 1; device B then starts and pulls it. */
async function twoSyncedDevices(
  devices: Devices,
  server: ServerClient,
  clock = false,
): Promise<{ a: Device; b: Device }> {
  const a = await devices.open({ user: server.user, name: 'A', clock });
  await a.edit(PROFILE, 'base profile');
  await a.edit(GOALS, 'base goals');
  await a.syncNow();
  await expect.poll(async () => (await server.meta()).meta?.version).toBe(1);
  await a.waitForStatus('synced');
  const b = await devices.open({ user: server.user, name: 'B' });
  await expect.poll(() => b.value(GOALS)).toBe('base goals');
  return { a, b };
}

/** The conflict dialog's summary, as a person reads it (empty while no dialog is open). */
const dialogSummary = (device: Device): Promise<string> =>
  device.evaluate(() => {
    const dialog = document.querySelector('taco-sync-conflict')?.shadowRoot?.querySelector('dialog');
    return dialog?.open ? (dialog.querySelector('#summary')?.textContent ?? '') : '';
  });

/** The keys whose values the open dialog lists side by side. */
const dialogValues = (device: Device): Promise<string> =>
  device.evaluate(
    () =>
      document.querySelector('taco-sync-conflict')?.shadowRoot?.querySelector('[part~="values"]')?.textContent ?? '',
  );

eachEngine('merging changes of two devices against wrangler dev', (devices) => {
  it('A edits one key, B another; A hidden and shown again checks the server and shows B’s edit, no dialog anywhere, both edits on the server', async () => {
    const server = new ServerClient(uniqueUser('merge-return'));
    const { a, b } = await twoSyncedDevices(devices, server, true);
    await a.edit(PROFILE, 'from A');
    await b.edit(GOALS, 'from B');

    // Hiding pushes A's edit at once.
    await a.hide();
    await expect.poll(async () => (await server.meta()).meta?.version).toBe(2);
    await expect.poll(async () => (await a.state()).status).toBe('synced');
    // B meets the newer version with a change of another key: it merges, and pushes both.
    await b.syncNow();
    await expect.poll(async () => (await server.meta()).meta?.version).toBe(3);
    await expect.poll(async () => (await b.state()).status).toBe('synced');
    expect(await b.value(PROFILE)).toBe('from A');
    expect(await b.isShown('dialog')).toBe(false);

    // The person comes back to A after longer than the return check's interval.
    await a.settled();
    const before = a.requests.length;
    await a.clock.fastForward(RETURN_CHECK_MS + 1_000);
    await a.show();
    await expect.poll(() => a.value(GOALS)).toBe('from B');
    // The value is applied before the check records the version: wait for the state to settle.
    await expect.poll(() => a.state()).toMatchObject({ status: 'synced', version: 3 });
    expect(await a.isShown('dialog')).toBe(false);
    // The return check: a meta request, then a patch pull of the changes since A's v2 (DESIGN §9);
    // nothing to push (the page's history list then asks for the versions again).
    await a.settled();
    const sent = a.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/^\/api\/sync\/tenure/, '')}`);
    expect(sent.slice(0, 2)).toEqual(['GET /meta', 'GET /pull?since=2']);
    expect(sent.filter((line) => line.startsWith('POST'))).toEqual([]);
    const pulled = await server.pull();
    expect(pulled.meta.version).toBe(3);
    expect(pulled.data).toMatchObject({ [PROFILE]: 'from A', [GOALS]: 'from B' });
  });

  it('a collision on one key opens a dialog that names only that key; keeping my changes keeps every other edit of both devices', async () => {
    const server = new ServerClient(uniqueUser('merge-collision'));
    const { a, b } = await twoSyncedDevices(devices, server);
    await a.edit(PROFILE, 'profile from A');
    await a.edit(GOALS, 'goals from A');
    await a.syncNow();
    await expect.poll(async () => (await server.meta()).meta?.version).toBe(2);
    await b.edit(PROFILE, 'profile from B');
    await b.edit(APPLICATIONS, 'applications from B');
    await b.syncNow();

    const { conflict } = await b.waitForStatus('conflict');
    expect(conflict).toMatchObject({ reason: 'server-newer', keys: [PROFILE], serverVersion: 2 });
    await expect.poll(() => dialogSummary(b)).toContain(`“${PROFILE}”`);
    const summary = await dialogSummary(b);
    expect(summary).toContain('Your choice decides only this entry');
    expect(summary).not.toContain(GOALS);
    expect(summary).not.toContain(APPLICATIONS);
    const values = await dialogValues(b);
    expect(values).toContain(PROFILE);
    expect(values).not.toContain(GOALS);
    expect(values).not.toContain(APPLICATIONS);

    await b.click('Keep my changes', { within: 'dialog' });
    await b.waitForStatus('synced');
    await expect.poll(() => b.isShown('dialog')).toBe(false);
    const pulled = await server.pull();
    expect(pulled.meta.version).toBe(3);
    expect(pulled.data).toMatchObject({
      [PROFILE]: 'profile from B',
      [GOALS]: 'goals from A',
      [APPLICATIONS]: 'applications from B',
    });
    expect(await b.value(GOALS)).toBe('goals from A');
  });
});
