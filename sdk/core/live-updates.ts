import { LIVE_CLOSE_TOKEN_EXPIRED, parseLiveMessage } from '../contract/live.js';
import type { Clock, LiveConnector, LiveUpdates, SyncLock } from './ports.js';
import type { GetToken } from './sync-engine.js';

/** A ping every 50 s keeps proxies from closing an idle socket (the server answers without waking up). */
export const LIVE_PING_MS = 50_000;
/** While signed out the token is asked for again every 10 s (local; no request), so a sign-in connects soon. */
export const LIVE_SIGNED_OUT_RETRY_MS = 10_000;
/** A socket that stayed open this long (60 s) was healthy: the backoff starts again from its first step. */
export const LIVE_STABLE_MS = 60_000;

/** What {@link createLiveUpdates} works through. */
export interface LiveUpdatesDeps {
  app: string;
  connector: LiveConnector;
  /** Leadership: the tab that holds `taco-sync:{app}:live` keeps the socket. */
  lock: SyncLock;
  clock: Clock;
  /** How long to wait before reconnect number `attempt` (from 0): the engine's backoff with full jitter, `backoffDelayMs`. */
  backoffMs: (attempt: number) => number;
  getToken: GetToken;
}

/**
 * Live updates over the app's live route (DESIGN §9): one socket per app, in the tab that holds the
 * lock `taco-sync:{app}:live` while its manager is started (the next tab takes over when that one
 * closes or stops). Each announced head is handed to the engine as a hint; a reconnect hints a
 * check, since an announcement may have been missed meanwhile. A socket that closes is reopened with
 * exponential backoff and full jitter; one closed for an expired token, with a fresh token. A socket
 * that does not open is followed by one plain request to the route to learn why: a server without
 * live updates (501, or 404 from an older Worker) or a refused subscription ends live updates for
 * this start, silently (the engine's other checks go on).
 */
export function createLiveUpdates(deps: LiveUpdatesDeps): LiveUpdates {
  return {
    start(hint) {
      const session = new LiveSession(deps, hint);
      return () => session.stop();
    },
  };
}

/** One start of live updates: leadership, the current socket, its retries and pings. */
class LiveSession {
  private stopped = false;
  private release = (): void => {};
  private socket: { send(text: string): void; close(): void } | null = null;
  /** Which socket is current: handlers of an older one are ignored. */
  private generation = 0;
  private retryTimer: unknown;
  private pingTimer: unknown;
  private attempt = 0;
  private refreshToken = false;
  private openedBefore = false;

  constructor(
    private readonly deps: LiveUpdatesDeps,
    private readonly hint: (version: number | null) => void,
  ) {
    void deps.lock
      .run(
        `taco-sync:${deps.app}:live`,
        () =>
          new Promise<void>((resolve) => {
            this.release = resolve;
            if (this.stopped) return resolve();
            void this.connect();
          }),
      )
      .catch(() => {});
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.deps.clock.clearTimeout(this.retryTimer);
    this.deps.clock.clearTimeout(this.pingTimer);
    this.socket?.close();
    this.socket = null;
    this.release();
  }

  private async connect(): Promise<void> {
    let token: string | null;
    try {
      token = await this.deps.getToken(this.refreshToken ? { forceRefresh: true } : undefined);
    } catch {
      token = null;
    }
    this.refreshToken = false;
    if (this.stopped) return;
    // Signed out, or the identity provider is unreachable: ask again soon, without growing the backoff.
    if (token === null)
      return void (this.retryTimer = this.deps.clock.setTimeout(() => void this.connect(), LIVE_SIGNED_OUT_RETRY_MS));
    const mine = ++this.generation;
    let openedAt: number | null = null;
    this.socket = this.deps.connector.connect(token, {
      open: () => {
        if (mine !== this.generation) return;
        openedAt = this.deps.clock.now();
        if (this.openedBefore) this.hint(null);
        this.openedBefore = true;
        this.ping(mine);
      },
      message: (text) => {
        const head = parseLiveMessage(text);
        if (head && mine === this.generation) this.hint(head.version);
      },
      close: (code) => {
        if (mine !== this.generation) return;
        this.generation++;
        this.socket = null;
        this.deps.clock.clearTimeout(this.pingTimer);
        void this.closed(code, token, openedAt);
      },
    });
  }

  private async closed(code: number, token: string, openedAt: number | null): Promise<void> {
    if (this.stopped) return;
    if (openedAt !== null && this.deps.clock.now() - openedAt >= LIVE_STABLE_MS) this.attempt = 0;
    if (code === LIVE_CLOSE_TOKEN_EXPIRED) this.refreshToken = true;
    if (openedAt !== null) return this.retry();
    const why = await this.deps.connector.whyRefused(token);
    if (this.stopped || why === 'disabled' || why === 'forbidden') return;
    if (why === 'token') this.refreshToken = true;
    this.retry();
  }

  private retry(): void {
    if (this.stopped) return;
    this.retryTimer = this.deps.clock.setTimeout(() => void this.connect(), this.deps.backoffMs(this.attempt++));
  }

  private ping(mine: number): void {
    this.pingTimer = this.deps.clock.setTimeout(() => {
      if (mine !== this.generation) return;
      this.socket?.send('ping');
      this.ping(mine);
    }, LIVE_PING_MS);
  }
}
