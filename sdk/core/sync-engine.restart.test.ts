import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSyncServer, openTab, useFakeTime } from '../test-support/sync-harness.js';

// React StrictMode runs every effect twice on mount: start(), stop(), start() in one task.
describe('start, stop and start again in one task (React StrictMode)', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    server = new FakeSyncServer();
  });
  afterEach(() => void vi.useRealTimers());

  it('start/stop/start in one task syncs: one request, and the state reaches synced', async () => {
    const tab = openTab({ server });
    void tab.sync.start();
    tab.sync.stop();
    await tab.sync.start();
    expect(server.log()).toEqual(['GET /meta']);
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 0 });
  });

  it('start/stop/start in one task pushes local data once', async () => {
    const tab = openTab({ server });
    tab.write({ t_a: 'typed before the app mounted' });
    void tab.sync.start();
    tab.sync.stop();
    await tab.sync.start();
    expect(server.log()).toEqual(['GET /meta', 'POST /push']);
    expect(server.current('tenure')?.data.t_a).toBe('typed before the app mounted');
    expect(tab.sync.getState()).toMatchObject({ status: 'synced', version: 1 });
  });
});
