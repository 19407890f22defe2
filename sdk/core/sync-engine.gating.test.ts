import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSync } from '../create-sync.js';
import {
  deviceOptions,
  FakeSyncServer,
  openTab,
  TENURE_TOKEN,
  testDevice,
  useFakeTime,
} from '../test-support/sync-harness.js';
import { fakeToken } from '../test-support/tokens.js';
import { snapshotFromEntries } from '../contract/index.js';

describe('gating', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
  });
  afterEach(() => void vi.useRealTimers());

  it('is disabled with the reason and sends nothing when no subscription allows the app', async () => {
    const tab = openTab({ server, token: { current: fakeToken(['sync_tempo']) } });
    tab.write({ t_a: '1' });
    await tab.sync.start();
    tab.sync.notifyChanged();
    await tab.sync.idle();
    expect(server.requests).toEqual([]);
    expect(tab.sync.getState()).toMatchObject({
      status: 'disabled',
      disabledReason: expect.stringContaining('sync_tenure'),
    });
    expect((await tab.device.records.getRecord('tenure', 'user-1')).pendingSince).not.toBeNull();
  });

  it('is disabled when nobody is signed in (getToken returns null)', async () => {
    const tab = openTab({ server, token: { current: null } });
    await tab.sync.start();
    expect(server.requests).toEqual([]);
    expect(tab.sync.getState()).toMatchObject({ status: 'disabled', disabledReason: 'Not signed in' });
  });

  it('shows when the pending changes were first seen while disabled', async () => {
    const tab = openTab({ server, token: { current: null } });
    tab.write({ t_a: '1' });
    await tab.sync.start();
    expect(tab.sync.getState()).toMatchObject({ status: 'disabled', pendingSince: '2026-11-01T12:00:00.000Z' });
  });

  it('restores a local backup while no subscription allows the app (local data is never stranded by gating)', async () => {
    const token = { current: TENURE_TOKEN as string | null };
    const tab = openTab({ server, token });
    tab.write({ t_a: 'v1' });
    await tab.sync.start();
    await server.seed('tenure', snapshotFromEntries([['t_a', 'server']]));
    tab.write({ t_a: 'mine' });
    await tab.sync.syncNow();
    await tab.sync.resolveConflict('use-server');
    const [backup] = await tab.sync.listBackups();
    token.current = fakeToken(['sync_tempo']);
    await tab.sync.restoreBackup(backup!.id);
    expect(tab.device.storage.getItem('t_a')).toBe('mine');
  });

  it('becomes disabled on a 403 during a user action, which rejects', async () => {
    const tab = openTab({ server });
    tab.write({ t_a: 'v1' });
    await tab.sync.start();
    server.failNext({ status: 403, code: 'FORBIDDEN' });
    await expect(tab.sync.restore(1)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(tab.sync.getState()).toMatchObject({ status: 'disabled', disabledReason: 'canned failure' });
  });

  it('on a 403 becomes disabled and keeps local changes pending', async () => {
    const tab = openTab({ server });
    tab.write({ t_a: '1' });
    await tab.sync.start();
    tab.write({ t_a: '2' });
    server.failNext({ status: 403, code: 'FORBIDDEN' });
    tab.platform.emit('blur');
    await tab.sync.idle();
    expect(tab.sync.getState()).toMatchObject({ status: 'disabled', disabledReason: 'canned failure' });
    expect((await tab.device.records.getRecord('tenure', 'user-1')).pendingSince).not.toBeNull();
    expect(server.current('tenure')?.data.t_a).toBe('1');
  });

  it.each([
    ['the next change', (tab: ReturnType<typeof openTab>) => tab.sync.notifyChanged()],
    ['focus', (tab: ReturnType<typeof openTab>) => tab.platform.emit('focus')],
    ['online', (tab: ReturnType<typeof openTab>) => tab.platform.emit('online')],
    ['syncNow()', (tab: ReturnType<typeof openTab>) => void tab.sync.syncNow()],
  ])(
    'resumes by itself on %s once getToken yields an allowing token, and pushes what is pending',
    async (_name, trigger) => {
      const token = { current: fakeToken([]) as string | null };
      const tab = openTab({ server, token });
      tab.write({ t_a: 'made while gated' });
      await tab.sync.start();
      expect(tab.sync.getState().status).toBe('disabled');
      token.current = TENURE_TOKEN;
      trigger(tab);
      await tab.sync.idle();
      expect(server.log()).toEqual(['GET /meta', 'POST /push']);
      expect(server.current('tenure')?.data.t_a).toBe('made while gated');
      expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 1, pendingSince: null });
      expect(tab.sync.getState().disabledReason).toBeUndefined();
    },
  );

  it.each([
    ['allows', fakeToken([]), () => ['taco_club'], ['GET /meta']],
    ['denies', TENURE_TOKEN, [], []],
  ] as const)(
    'uses the subscriptions option over the token claim when it %s',
    async (_name, token, subscriptions, requests) => {
      const device = testDevice();
      device.storage.setItem('t_a', '1');
      const sync = createSync({ ...deviceOptions(server, device), getToken: () => token, subscriptions });
      await sync.start();
      expect(server.log().slice(0, 1)).toEqual(requests);
    },
  );
});
