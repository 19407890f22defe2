import { API_PREFIX, isDeviceName, isValidAppName, isValidDeviceId } from './contract/index.js';
import { backoffDelayMs } from './core/backoff.js';
import { browserDeviceName } from './platform/device-name.js';
import type { StorageAdapter } from './adapters/storage-adapter.js';
import { loadDeviceId } from './platform/device-id.js';
import { browserPlatform, type Platform } from './platform/browser-platform.js';
import { systemClock, type Clock } from './platform/clock.js';
import { persistStorage } from './platform/storage-durability.js';
import { registerPageManager } from './platform/page-managers.js';
import { broadcastTabChannel, type TabChannel } from './platform/tab-channel.js';
import { webLock, type SyncLock } from './platform/web-lock.js';
import type { LiveUpdates } from './core/ports.js';
import { createSyncEngine, type GetToken } from './core/sync-engine.js';
import type { SyncManager } from './core/sync-manager.js';
import type { SyncRecordStore } from './core/sync-record-store.js';
import { idbSyncRecordStore } from './platform/idb-record-store.js';
import { subjectFromToken, subscriptionsFromToken } from './core/token-claims.js';
import { fetchTransport, type SyncTransport } from './platform/fetch-transport.js';

/** Push this long after the last `notifyChanged()` unless told otherwise: 30 s. */
export const DEBOUNCE_MS = 30_000;

/** A request that has not answered after this long (30 s) is abandoned and retried (DESIGN §7.6). */
export const REQUEST_TIMEOUT_MS = 30_000;

/** A page the person comes back to (visible, or focused after a blur) checks the server at most once per this many ms (10 s), per device. */
export const RETURN_CHECK_MS = 10_000;

/** Options of {@link createSync}. Only `app`, `endpoint`, `getToken` and `adapter` are required. */
export interface CreateSyncOptions {
  /** The app's name on the server, e.g. `tenure`. */
  app: string;
  /** The sync Worker's origin, e.g. `https://sync.example.com`. */
  endpoint: string;
  /** The user's JWT, or null when signed out (sync is then `disabled`). Asked with `forceRefresh` after a 401. */
  getToken: GetToken;
  /** Which local data to sync, e.g. `keyPrefixAdapter(...)` or a preset. */
  adapter: StorageAdapter;
  /** Push this long after the last `notifyChanged()`. Default {@link DEBOUNCE_MS}. */
  debounceMs?: number;
  /** The user's subscriptions (or a function returning them); by default the token's `subscriptions` claim. */
  subscriptions?: readonly string[] | (() => readonly string[] | Promise<readonly string[]>);
  /** Ask the browser to keep this origin's storage (`navigator.storage.persist()`) at start. */
  persistStorage?: boolean;
  /**
   * This device's name for people, sent with pushes and shown in conflicts and history (at most 64
   * characters). By default derived from the user agent, e.g. "Chrome on Android".
   */
  deviceName?: string;
  /** Every request is abandoned after this long and retried as a network failure. Default {@link REQUEST_TIMEOUT_MS}. */
  requestTimeoutMs?: number;
  /**
   * What the SDK does when it must replace local data and no `onReplace` listener is registered, so
   * the app may hold an old copy in memory (DESIGN §7.4): `'reload'` (default) reloads the page right
   * after replacing; `'defer'` leaves newer server data unapplied until the next start and sets
   * `state.reloadReason`. Either way a save from an old copy reaches the server only through a conflict.
   */
  withoutReplaceListener?: 'reload' | 'defer';
  /**
   * Whether changes of two devices merge key by key (DESIGN §9; default true): keys only one side
   * changed take that side, and only keys both changed differently are a conflict, naming them.
   * `false`: every difference is a whole-data conflict, for apps whose keys depend on each other.
   */
  merge?: boolean;
  /** A page the person returns to checks the server at most this often, per device. Default {@link RETURN_CHECK_MS}. */
  returnCheckMs?: number;
  /** A fixed device id (`^[A-Za-z0-9_-]{1,64}$`); by default a random UUID kept in IndexedDB. */
  deviceId?: string;
  /** The fetch to use; `globalThis.fetch` by default. */
  fetch?: typeof fetch;
  /** A transport other than HTTP (tests, custom servers). Overrides `endpoint` and `fetch`. */
  transport?: SyncTransport;
  /** Page events and connectivity; the browser's by default. */
  platform?: Platform;
  /** Mutual exclusion between tabs; Web Locks by default. */
  lock?: SyncLock;
  /** Where the sync record, device id and backups live; IndexedDB by default. */
  recordStore?: SyncRecordStore;
  /** Time and timers for the debounce and retries; the real clock by default (tests pass a fake). */
  clock?: Clock;
  /** A number in [0, 1) for backoff jitter; `Math.random` by default. */
  random?: () => number;
  /** How tabs tell each other that the record changed; a BroadcastChannel by default. */
  channel?: TabChannel;
  /**
   * Live updates (DESIGN §9): `true` keeps one WebSocket per app open in one tab while started, and
   * checks the server as soon as it announces a newer version (the client is loaded on the first
   * `start()`, outside the core bundle). A server without live updates is met silently: the manager
   * checks as it would without. Another {@link LiveUpdates} (tests, a custom server) is used as given.
   * Off by default.
   */
  live?: boolean | LiveUpdates;
}

/**
 * Creates the {@link SyncManager} for one app, wired to the browser: fetch, IndexedDB, Web Locks,
 * BroadcastChannel and page events. Every one of them can be replaced through the options. The
 * page's elements with `app="…"` of the same app find it by that name (held weakly; the last one made wins).
 *
 * @throws TypeError when `app` or `deviceId` is malformed.
 * @example
 * const sync = createSync({ app: 'tenure', endpoint, getToken, adapter: tenureAdapter() });
 * sync.subscribe(render);
 * await sync.start();
 */
export function createSync(options: CreateSyncOptions): SyncManager {
  const { app, subscriptions, deviceId } = options;
  if (!isValidAppName(app)) throw new TypeError(`Invalid app name "${app}"`);
  if (deviceId !== undefined && !isValidDeviceId(deviceId)) throw new TypeError(`Invalid device id "${deviceId}"`);
  if (options.deviceName !== undefined && !isDeviceName(options.deviceName))
    throw new TypeError(`Invalid device name "${options.deviceName}" (1 to 64 characters)`);
  let reportProblem = (_error: unknown): void => {};
  const records = options.recordStore ?? idbSyncRecordStore((error) => reportProblem(error));
  const lock = options.lock ?? webLock();
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  // `live: true` loads the live client on start, a chunk of its own: apps without it never load it.
  // A chunk that fails to load leaves the manager checking as it does without live updates.
  const live: LiveUpdates | undefined =
    options.live === true
      ? {
          start(hint) {
            const stopping = import('./live.js').then(
              (m) =>
                m
                  .browserLiveUpdates({
                    ...options,
                    apiPrefix: API_PREFIX,
                    lock,
                    clock,
                    random,
                    backoff: backoffDelayMs,
                  })
                  .start(hint),
              () => () => {},
            );
            return () => void stopping.then((stop) => stop());
          },
        }
      : options.live || undefined;
  const engine = createSyncEngine({
    ...options,
    debounceMs: options.debounceMs ?? DEBOUNCE_MS,
    requestTimeoutMs: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
    withoutReplaceListener: options.withoutReplaceListener ?? 'reload',
    merge: options.merge ?? true,
    returnCheckMs: options.returnCheckMs ?? RETURN_CHECK_MS,
    deviceName: options.deviceName ?? browserDeviceName(),
    userOf: subjectFromToken,
    random,
    // Not the jitter's `random`: an app or test may fix that one, and two tabs must never share an id.
    pageId: Math.random().toString(36).slice(2),
    transport: options.transport ?? fetchTransport(options),
    records,
    platform: options.platform ?? browserPlatform(),
    lock,
    clock,
    channel: options.channel ?? broadcastTabChannel(`taco-sync:${app}`),
    subscriptionsFor: (token) =>
      typeof subscriptions === 'function' ? subscriptions() : (subscriptions ?? subscriptionsFromToken(token)),
    deviceId: () => (deviceId ? Promise.resolve(deviceId) : loadDeviceId(records)),
    persistStorage: options.persistStorage ? persistStorage : undefined,
    live,
  });
  reportProblem = engine.reportLocalStateProblem;
  registerPageManager(engine);
  return engine;
}
