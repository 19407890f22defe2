import { vi } from 'vitest';
import { keyPrefixAdapter } from '../adapters/key-prefix.js';
import type { StorageAdapter } from '../adapters/storage-adapter.js';
import { createSync, type CreateSyncOptions } from '../create-sync.js';
import type { Platform, PlatformEvent } from '../platform/browser-platform.js';
import type { TabChannel } from '../platform/tab-channel.js';
import { inProcessLock, type SyncLock } from '../platform/web-lock.js';
import type { SyncEngine } from '../core/sync-engine.js';
import { memorySyncRecordStore, type SyncRecordStore } from '../core/sync-record-store.js';
import { FakeSyncServer } from './fake-server.js';
import { MemoryStorage } from './memory-storage.js';
import { memoryTabChannels } from './memory-tab-channels.js';
import { fakeToken } from './tokens.js';

/** A {@link Platform} the test drives: `emit('blur')`, `online = false`. */
export class FakePlatform implements Platform {
  online = true;
  private readonly listeners = new Set<(event: PlatformEvent) => void>();
  isOnline(): boolean {
    return this.online;
  }
  listen(listener: (event: PlatformEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  /** How many times the SDK reloaded the page. */
  reloads = 0;
  reload(): void {
    this.reloads++;
  }
  emit(event: PlatformEvent): void {
    if (event === 'online' || event === 'offline') this.online = event === 'online';
    for (const listener of this.listeners) listener(event);
  }
}

/** What two tabs of one device share: localStorage, IndexedDB, the lock and the channel. */
export interface TestDevice {
  storage: MemoryStorage;
  records: SyncRecordStore;
  lock: SyncLock;
  channels: () => TabChannel;
  deviceId: string;
}

/** A fresh device with empty storage. */
export function testDevice(deviceId = 'device-a'): TestDevice {
  return {
    storage: new MemoryStorage(),
    records: memorySyncRecordStore(),
    lock: inProcessLock(),
    channels: memoryTabChannels(),
    deviceId,
  };
}

export interface TabOptions {
  server: FakeSyncServer;
  device?: TestDevice;
  app?: string;
  debounceMs?: number;
  /** What getToken answers; change it between calls. */
  token?: { current: string | null };
  random?: () => number;
  /** The adapter over the device's storage; by default every key starting with `t_`. */
  adapter?: (storage: Storage) => StorageAdapter;
  /**
   * Whether the app re-reads replaced keys (an `onReplace` listener, as every test tab's app reads
   * storage directly). False: an app that keeps an old copy in memory and says nothing.
   */
  rereads?: boolean;
  /** `withoutReplaceListener` for an app that does not re-read. */
  withoutReplaceListener?: 'reload' | 'defer';
  /** Other options passed to `createSync`. */
  extra?: Partial<CreateSyncOptions>;
}

/**
 * `createSync` options for `device` talking to `server`, every port injected but the device id
 * (so it comes from the record store) and the clock.
 */
export function deviceOptions(server: FakeSyncServer, device: TestDevice): CreateSyncOptions {
  return {
    app: 'tenure',
    endpoint: 'https://sync.test',
    getToken: () => TENURE_TOKEN,
    adapter: keyPrefixAdapter({ prefixes: ['t_'], storage: device.storage }),
    fetch: server.fetch,
    recordStore: device.records,
    platform: new FakePlatform(),
    lock: device.lock,
    channel: device.channels(),
  };
}

/** One page (tab) running a manager for `app` on `device`, with everything injected. */
export interface TestTab {
  sync: SyncEngine;
  platform: FakePlatform;
  device: TestDevice;
  token: { current: string | null };
  getToken: ReturnType<typeof vi.fn>;
  /** Writes keys to the device's localStorage (as the app would). */
  write(entries: Record<string, string>): void;
}

/** The token every test tab starts with: it allows `tenure`. */
export const TENURE_TOKEN = fakeToken(['sync_tenure']);

export function openTab(options: TabOptions): TestTab {
  const device = options.device ?? testDevice();
  const platform = new FakePlatform();
  const token = options.token ?? { current: TENURE_TOKEN };
  const getToken = vi.fn(() => token.current);
  const sync = createSync({
    app: options.app ?? 'tenure',
    endpoint: 'https://sync.test',
    getToken,
    adapter: options.adapter?.(device.storage) ?? keyPrefixAdapter({ prefixes: ['t_'], storage: device.storage }),
    debounceMs: options.debounceMs ?? 30_000,
    deviceId: device.deviceId,
    fetch: options.server.fetch,
    platform,
    lock: device.lock,
    recordStore: device.records,
    channel: device.channels(),
    random: options.random ?? (() => 0.5),
    deviceName: 'Test device',
    // Fake time jumps (a 5-minute backoff) would otherwise time out requests still awaiting real
    // WebCrypto or IndexedDB work; the timeout tests set their own.
    requestTimeoutMs: 24 * 3_600_000,
    withoutReplaceListener: options.withoutReplaceListener,
    ...options.extra,
  }) as SyncEngine;
  if (options.rereads !== false) sync.onReplace(() => {});
  const write = (entries: Record<string, string>): void => {
    for (const [key, value] of Object.entries(entries)) device.storage.setItem(key, value);
  };
  return { sync, platform, device, token, getToken, write };
}

/** A started tab whose `entries` are synced as version 1, with the server's request log cleared. */
export async function syncedTab(
  server: FakeSyncServer,
  entries: Record<string, string> = { t_a: '1' },
): Promise<TestTab> {
  const tab = openTab({ server });
  tab.write(entries);
  await tab.sync.start();
  server.requests.length = 0;
  return tab;
}

/** Waits on real macrotasks (which fake timers leave alone) until `condition` holds, for at most 1,000 turns. */
export async function untilMacrotask(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Fake setTimeout/clearTimeout/Date only: IndexedDB and WebCrypto keep their real scheduling. */
export function useFakeTime(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.parse('2026-11-01T12:00:00Z') });
}

export { FakeSyncServer, memoryTabChannels };
