import { expect, it } from 'vitest';
import { eachEngine, type Device, type Tab } from './support/device.js';
import { ServerClient, uniqueUser } from './support/server.js';

/** About 3 MB of app data in 1,500 keys of the tenure app's `tenure_prosper_` prefix (Chromium's localStorage holds about 5 M characters per origin; Firefox and WebKit about as much). */
const STORE_KEYS = 1_500;
const VALUE_CHARS = 2_000;
const EDITED_KEY = 'tenure_prosper_day_0750';
const TRIES = 10;
/**
 * The page closes this long after the edit, with no `syncNow()` (issue 16: one second).
 * `CLOSE_AFTER_MS=100 npm run test:e2e -- e2e/closing-tab` tries a shorter delay: measured 8 of 10
 * on a busy 2-core machine, where preparing the push of a 3 MB store takes about that long.
 */
const CLOSE_AFTER_MS = Number(process.env.CLOSE_AFTER_MS ?? 1_000);

type DemoWindow = { demo: { sync: { notifyChanged(): void; syncNow(): Promise<void> } } };

/** Fills the store and syncs it, as an app that had been used for a long time. */
async function fillStore(device: Device): Promise<void> {
  await device.evaluate(
    async ({ keys, chars }) => {
      for (let i = 0; i < keys; i++)
        localStorage.setItem(`tenure_prosper_day_${String(i).padStart(4, '0')}`, `${i}:`.padEnd(chars, 'abcdefghij'));
      await (window as unknown as DemoWindow).demo.sync.syncNow();
    },
    { keys: STORE_KEYS, chars: VALUE_CHARS },
  );
}

/** An edit as an app makes it: write the key, tell the manager. */
const editOneKey = (device: Device, tab: Tab, value: string): Promise<void> =>
  device.evaluate(
    ({ key, value }) => {
      localStorage.setItem(key, value);
      (window as unknown as DemoWindow).demo.sync.notifyChanged();
    },
    { key: EDITED_KEY, value },
    tab,
  );

eachEngine('an edit leaves with a closing tab (DESIGN §8)', (devices) => {
  it(`reaches the server when the page closes ${CLOSE_AFTER_MS} ms after a one-key edit of a 3 MB store, ${TRIES} of ${TRIES} times`, async () => {
    const user = uniqueUser('closing');
    const server = new ServerClient(user);
    const device = await devices.open({ user, name: 'A' });
    await fillStore(device);
    // A busy machine may need a retry of the 3 MB first push: wait for it to be stored.
    await device.waitForStatus('synced', device.tab, 60_000);
    await expect
      .poll(async () => (await server.meta()).meta?.size ?? 0, { timeout: 30_000 })
      .toBeGreaterThan(2_900_000);

    const arrived: boolean[] = [];
    let tab = device.tab;
    for (let attempt = 0; attempt < TRIES; attempt++) {
      const value = `edited in try ${attempt} ${Date.now()}`;
      await editOneKey(device, tab, value);
      await new Promise((resolve) => setTimeout(resolve, CLOSE_AFTER_MS));
      await device.closeTab(tab);
      arrived.push(await reaches(server, value));
      tab = await device.newTab({ user, name: 'A' });
    }
    expect(arrived).toEqual(Array(TRIES).fill(true));
    // Each push that left with a closing page was a patch: small enough for keepalive.
    const closingPushes = device.pushes.slice(1);
    for (const push of closingPushes) expect(push.bodyBytes).toBeLessThan(65_536);
  }, 240_000);
});

/** Whether the server holds `value` for the edited key within a few seconds. */
async function reaches(server: ServerClient, value: string): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if ((await server.pull()).data[EDITED_KEY] === value) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}
