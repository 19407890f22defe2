/**
 * The live client, loaded on the first `start()` of a manager created with `live: true` (a separate
 * chunk, so apps that do not use live updates do not download it).
 *
 * @packageDocumentation
 */
import { createLiveUpdates } from './core/live-updates.js';
import type { Clock, LiveUpdates, SyncLock } from './core/ports.js';
import type { GetToken } from './core/sync-engine.js';
import { webSocketConnector } from './platform/live-socket.js';

/** What the browser's live updates need from `createSync`'s options. */
export interface BrowserLiveOptions {
  app: string;
  /** The Worker's origin (and path prefix, if any), e.g. `https://sync.example.com`. */
  endpoint: string;
  /** The contract's `API_PREFIX`, passed in so this chunk shares no module with the core. */
  apiPrefix: string;
  getToken: GetToken;
  fetch?: typeof fetch;
  lock: SyncLock;
  clock: Clock;
  /** A number in [0, 1) for the reconnects' jitter. */
  random: () => number;
  /** The core's `backoffDelayMs`, passed in for the same reason. */
  backoff: (attempt: number, random: () => number) => number;
}

/** Live updates over a WebSocket to the Worker's live route, led by one tab (see {@link createLiveUpdates}). */
export function browserLiveUpdates(options: BrowserLiveOptions): LiveUpdates {
  const url = `${options.endpoint.replace(/\/+$/, '')}${options.apiPrefix}/${options.app}/live`;
  return createLiveUpdates({
    ...options,
    backoffMs: (attempt) => options.backoff(attempt, options.random),
    connector: webSocketConnector({ url, fetch: options.fetch }),
  });
}
