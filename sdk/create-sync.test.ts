import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSync } from './create-sync.js';
import { deviceOptions, FakeSyncServer, testDevice } from './test-support/sync-harness.js';

const base = () => {
  const server = new FakeSyncServer();
  return { server, options: deviceOptions(server, testDevice()) };
};

describe('createSync', () => {
  afterEach(() => void Reflect.deleteProperty(navigator, 'storage'));

  it('refuses a malformed app name or device id', () => {
    const { options } = base();
    expect(() => createSync({ ...options, app: '../admin' })).toThrow(TypeError);
    expect(() => createSync({ ...options, deviceId: 'no spaces allowed' })).toThrow(TypeError);
  });

  it('starts idle, online, with nothing synced', () => {
    expect(createSync(base().options).getState()).toEqual({
      status: 'idle',
      version: 0,
      lastSyncedAt: null,
      pendingSince: null,
      online: true,
      nextRetryAt: null,
      storagePersisted: null,
      reloadReason: null,
      localStateProblem: null,
    });
  });

  it('asks navigator.storage.persist() at start when persistStorage is set, and reports the answer', async () => {
    const persist = vi.fn(async () => true);
    Object.defineProperty(navigator, 'storage', {
      value: { persisted: async () => false, persist },
      configurable: true,
    });
    const sync = createSync({ ...base().options, persistStorage: true });
    await sync.start();
    await vi.waitFor(() => expect(sync.getState().storagePersisted).toBe(true));
    expect(persist).toHaveBeenCalledOnce();
  });

  it('does not ask for durable storage unless told to', async () => {
    const persist = vi.fn(async () => true);
    Object.defineProperty(navigator, 'storage', {
      value: { persisted: async () => false, persist },
      configurable: true,
    });
    const sync = createSync(base().options);
    await sync.start();
    expect(persist).not.toHaveBeenCalled();
    expect(sync.getState().storagePersisted).toBeNull();
  });

  it('publishes every state change to subscribers until they unsubscribe', async () => {
    const { options } = base();
    const sync = createSync(options);
    const seen: string[] = [];
    const unsubscribe = sync.subscribe((state) => seen.push(state.status));
    await sync.start();
    unsubscribe();
    sync.stop();
    expect(seen).toEqual(['idle', 'syncing', 'synced']);
  });
});
