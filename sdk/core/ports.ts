/**

 * The ports of the sync core: every way it reaches the outside world. The browser implements them in
 * `platform/` and `adapters/`; tests plug fakes into the same interfaces.
 *
 * @packageDocumentation
 */
import type {
  HistoryResponse,
  MetaResponse,
  PullAnswer,
  PushRequest,
  PushResponse,
  Snapshot,
} from '../contract/index.js';

/** A platform happening the sync manager reacts to: `hidden` and `visible` are the page's visibility changes. */
export type PlatformEvent = 'hidden' | 'visible' | 'pagehide' | 'blur' | 'focus' | 'online' | 'offline';

/** The port for the page's lifecycle and connectivity. */
export interface Platform {
  /** Whether the browser believes it is online (`navigator.onLine`). */
  isOnline(): boolean;
  /** Calls `listener` on each {@link PlatformEvent}; returns the function that stops listening. */
  listen(listener: (event: PlatformEvent) => void): () => void;
  /** Reloads the page, so an app that keeps data in memory reads what the SDK wrote (DESIGN §7.4). */
  reload(): void;
}

/** The port for time: what time it is, and timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `task` once after `ms`; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(task: () => void, ms: number): unknown;
  /** Cancels a timer set with {@link Clock.setTimeout}; an unknown or fired handle is ignored. */
  clearTimeout(handle: unknown): void;
}

/** The port for mutual exclusion: one task at a time per lock name (across tabs, where possible). */
export interface SyncLock {
  /** Runs `task` once no other holder of `name` runs; resolves or rejects as `task` does. */
  run<T>(name: string, task: () => Promise<T>): Promise<T>;
}

/** The port between tabs of one app: "the sync record changed, re-read it". */
export interface TabChannel {
  /** Tells the other tabs that the persisted record changed. */
  post(): void;
  /** Calls `listener` when another tab posted; returns the function that stops listening. */
  listen(listener: () => void): () => void;
  /** Releases the channel; nothing is posted or heard after it. */
  close(): void;
}

/**
 * The port to the sync server: one method an endpoint, each resolving with the validated body or
 * rejecting with a typed error (`ConflictError`, `AuthError`, `ForbiddenError`, `ServerError`,
 * `RequestError`, `NetworkError`, `BadResponseError`).
 */
export interface SyncTransport {
  /** `GET .../meta`: what the server holds, without the data. */
  meta(token: string, options?: RequestOptions): Promise<MetaResponse>;
  /**
   * `GET .../pull`: the current version's data; with `since` (the version the device holds), the
   * server may answer the changes since it instead (a `PatchPullResponse`, DESIGN §9); without
   * `since`, always the full data (a patch is a `BadResponseError`). Rejects with a `RequestError`
   * `NOT_FOUND` when nothing is stored.
   */
  pull(token: string, options?: PullOptions): Promise<PullAnswer>;
  /**
   * Serialises a push body for {@link SyncTransport.push}, compressed where that pays. Separate from
   * sending so that a closing page only has to send bytes prepared before it began to hide.
   */
  encodePush(body: PushRequest): Promise<EncodedPush>;
  /** `POST .../push`. `keepalive` lets the request outlive the page (bodies up to 64 KiB). */
  push(body: PushRequest | EncodedPush, token: string, options?: RequestOptions): Promise<PushResponse>;
  /** `GET .../history/{version}`: one kept version's data. */
  history(version: number, token: string, options?: RequestOptions): Promise<HistoryResponse>;
  /** `DELETE /api/sync/{app}`: removes everything stored for this user and app. */
  delete(token: string, options?: RequestOptions): Promise<void>;
}

/** Options of {@link SyncTransport.pull}. */
export interface PullOptions extends RequestOptions {
  /** The version whose data the device holds: the server may answer only the changes since it. */
  since?: number;
}

/** A push body ready to send: what {@link SyncTransport.encodePush} made of a {@link PushRequest}. */
export interface EncodedPush {
  /** The body it encodes. */
  request: PushRequest;
  /** The bytes to send: JSON text, or its gzip when `gzip`. */
  body: string | Uint8Array;
  /** Whether `body` is gzip-compressed (sent with `Content-Encoding: gzip`). */
  gzip: boolean;
  /** Bytes of `body` on the wire (keepalive requests allow 64 KiB). */
  bytes: number;
}

/** Per-request options of a {@link SyncTransport}. */
export interface RequestOptions {
  /** Aborts the request (the manager stopped, or its timeout passed). */
  signal?: AbortSignal;
  /** Lets the request outlive the page (`fetch` keepalive; bodies up to 64 KiB). */
  keepalive?: boolean;
}

/**
 * The port between the sync manager and an app's local data. Implement it to sync something other
 * than localStorage keys; {@link keyPrefixAdapter} is the standard one.
 */
export interface StorageAdapter {
  /** Reads the app's data as a snapshot (a prototype-free object; see `snapshotFromEntries`). */
  collect(): Snapshot | Promise<Snapshot>;
  /**
   * Makes the local data equal `snapshot`, atomically: on any failure every key is left as it was
   * and an `ApplyError` (or `StorageQuotaError`) is thrown. Lets the app's stores know what changed.
   */
  apply(snapshot: Snapshot): void | Promise<void>;
  /** True when `key` belongs to this app's data. */
  owns(key: string): boolean;
}

/**
 * The port for live updates (DESIGN §9): tells the engine when the server may hold a newer version.
 * Messages are hints only; the engine runs its ordinary check on them.
 */
export interface LiveUpdates {
  /**
   * Starts listening while the manager is started. `hint` gets an announced version, or null when a
   * check should run anyway (a socket reconnected, so an announcement may have been missed).
   * Returns the function that stops listening and closes the socket.
   */
  start(hint: (version: number | null) => void): () => void;
}

/** What a live socket reports to its owner. */
export interface LiveSocketHandlers {
  /** The socket opened. */
  open(): void;
  /** A text message arrived. */
  message(text: string): void;
  /** The socket closed (or never opened), with the close code (1006 when there was none). */
  close(code: number): void;
}

/**
 * Why the live route refused a socket, as a plain request to it tells (a browser learns nothing
 * from a refused upgrade): `open` (it would open now), `token` (401), `forbidden` (403, 404),
 * `disabled` (501 `LIVE_DISABLED`: the server has no live updates), `transient` (anything else).
 */
export type LiveRefusal = 'open' | 'token' | 'forbidden' | 'disabled' | 'transient';

/** The port to the server's live route: a socket, and the plain request that says why one did not open. */
export interface LiveConnector {
  /** Opens a socket to the app's live route with `token`; `handlers` hear it until it closes. */
  connect(token: string, handlers: LiveSocketHandlers): { send(text: string): void; close(): void };
  /** Asks the live route with an ordinary request why a socket did not open. Never rejects. */
  whyRefused(token: string): Promise<LiveRefusal>;
}
