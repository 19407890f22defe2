import { decodeJwt } from 'jose';
import { LIVE_CLOSE_TOKEN_EXPIRED, type LiveHeadMessage } from '../sdk/contract/index.js';
import { backoffDelayMs } from '../sdk/core/backoff.js';
import { createLiveUpdates } from '../sdk/core/live-updates.js';
import type { LiveSocketHandlers, LiveUpdates } from '../sdk/core/ports.js';
import { webSocketConnector } from '../sdk/platform/live-socket.js';
import { SIM_APP } from './app-model.js';
import type { SimPage } from './page.js';
import type { World } from './world.js';

/** The live route the pages' sockets open (its checks run in the simulated Worker). */
const LIVE_URL = `https://sync.sim/api/sync/${SIM_APP}/live`;
/** A leg of a socket's trip, as the network's: 0, 50 or 100 ms. */
const LEG_MS = 50;
/** While faults are on, this share of deliveries goes wrong (late, twice, never, a lie, a dropped socket). */
const ANNOUNCEMENT_FAULT_RATE = 0.3;
const ANNOUNCEMENT_FAULTS = ['never', 'late', 'twice', 'ahead', 'drop-socket'] as const;
type AnnouncementFault = (typeof ANNOUNCEMENT_FAULTS)[number];
/** A late announcement arrives 1 to 45 s after the commit: often after the next one. */
const LATE_MS = 1_000;
const LATE_EXTRA_S = 44;

/** One page's live socket, from the moment its live client asks for it until it closes. */
interface SimSocket {
  page: SimPage;
  /** The token's `sub`: whose room the socket is in. */
  user: string | null;
  handlers: LiveSocketHandlers;
  open: boolean;
  closed: boolean;
  /** The room's alarm at the token's expiry. */
  expiry?: unknown;
}

/** A delivered announcement that names a version its page already holds: it must cost no request. */
interface StaleProbe {
  page: SimPage;
  sentBefore: number;
  version: number;
  held: number;
}

/**
 * Live updates in the simulation (DESIGN §9): the Worker's `LIVE` binding (one room per user, as
 * `worker/src/live-room.ts`), the sockets of pages whose app turned `live` on, and their delivery.
 * Each page runs the SDK's real live client (`createLiveUpdates`: leadership by the device's lock,
 * reconnects with backoff and jitter, a check after a reconnect, a fresh token after 4401) over a
 * simulated socket whose handshake is the real live route's checks (token, app, subscription,
 * binding; 426 means it would open). While faults are on, an announcement reaches a socket late,
 * twice, never, with a version the server never committed, or drops the socket instead.
 *
 * What it checks, as announcements are hints only:
 * - `live-hint-only`: hearing an announcement changes neither local data nor the page's version
 *   by itself, and a live page never shows a version its accounts did not commit;
 * - `live-missed-caught`: a person's "Sync now" on a live page ends, when synced, at or past every
 *   head announced before the press (with no DELETE of the account since), heard or not;
 * - `live-no-storm`: an announcement of a version a synced page already holds (its own push, a
 *   duplicate, a late one) makes it send no request. Needless conflicts are the ledger's.
 */
export class LiveAnnouncements {
  /** The `LIVE` Durable Object namespace the simulated Worker announces through. */
  readonly binding = {
    getByName: (user: string) => ({
      announce: async (app: string, head: Omit<LiveHeadMessage, 'type'>): Promise<number> =>
        this.announce(user, app, head),
    }),
  };
  private readonly sockets = new Set<SimSocket>();
  /** user -> the highest version announced since that account's last DELETE. */
  private readonly heads = new Map<string, number>();
  /** user -> DELETEs that reached the Worker or finished there: a check across one proves nothing. */
  private readonly deleteEpochs = new Map<string, number>();
  /** user -> pushes the Worker is handling now. */
  private readonly pushesAtWorker = new Map<string, number>();
  /** Users with a push that was at the Worker when a DELETE arrived, still running (the versions it announces may not stand). */
  private readonly racingDelete = new Set<string>();
  private probes: StaleProbe[] = [];
  /** Pages already reported for showing an uncommitted version (once each). */
  private readonly flagged = new Set<SimPage>();

  constructor(private readonly world: World) {}

  /** The live updates of `page`, whose requests (the refusal probe) go through `fetch`. */
  updatesFor(page: SimPage, fetch: typeof globalThis.fetch): LiveUpdates {
    const { world } = this;
    const live = createLiveUpdates({
      app: SIM_APP,
      connector: {
        connect: (token, handlers) => this.connect(page, token, handlers),
        whyRefused: webSocketConnector({ url: LIVE_URL, fetch }).whyRefused,
      },
      lock: page.device.lock,
      clock: world.clock,
      backoffMs: (attempt) => backoffDelayMs(attempt, world.random),
      getToken: page.device.session.getToken,
    });
    return { start: (hint) => live.start((version) => this.heard(page, version, hint)) };
  }

  /** A request of `user` reached the Worker (`done` false) or was answered there. */
  atWorker(user: string, method: string, path: string, done: boolean): void {
    if (method === 'POST' && path.endsWith('/push')) {
      const pushes = (this.pushesAtWorker.get(user) ?? 0) + (done ? -1 : 1);
      this.pushesAtWorker.set(user, pushes);
      if (pushes === 0) this.racingDelete.delete(user);
    }
    if (method !== 'DELETE') return;
    this.deleteEpochs.set(user, (this.deleteEpochs.get(user) ?? 0) + 1);
    this.heads.set(user, 0);
    if (!done && (this.pushesAtWorker.get(user) ?? 0) > 0) this.racingDelete.add(user);
  }

  /**
   * A person pressed "Sync now" on `page`: returns what to call once it resolved, which checks
   * that the page caught up with every head announced before the press.
   */
  nextCheck(page: SimPage): () => void {
    const user = page.device.session.user;
    if (!page.spec.live || user === null || this.world.ledger.deleteRunning(user)) return () => {};
    const head = this.heads.get(user) ?? 0;
    const epoch = this.deleteEpochs.get(user);
    return () => {
      const state = page.engine.getState();
      // A page that defers a replacement (no onReplace listener, `defer`) knows of the newer version and asks for a reload.
      if (
        !page.alive ||
        page.device.session.user !== user ||
        this.deleteEpochs.get(user) !== epoch ||
        state.status !== 'synced' ||
        state.reloadReason
      )
        return;
      if (state.version < head)
        this.world.ledger.violate(
          'live-missed-caught',
          `${page.name} pressed Sync now after v${head} of ${user} was announced, and ended synced at v${state.version}`,
        );
    };
  }

  /** After every step of the loop: stale announcements sent nothing, live pages show committed versions. */
  afterStep(): void {
    for (const probe of this.probes) {
      if (probe.page.requestsSent > probe.sentBefore) {
        this.world.ledger.violate(
          'live-no-storm',
          `${probe.page.name} sent a request on hearing v${probe.version} announced, though it is synced at v${probe.held}`,
        );
      }
    }
    this.probes = [];
    for (const device of this.world.devices) {
      for (const page of device.openPages()) {
        const { version } = page.engine.getState();
        if (
          !page.spec.live ||
          version === 0 ||
          this.flagged.has(page) ||
          [...device.accountsSeen].some(
            (user) =>
              this.world.ledger.committed.get(user)?.has(version) ||
              this.world.ledger.tombstones.get(user)?.has(version),
          )
        )
          continue;
        this.world.ledger.violate(
          'live-hint-only',
          `${page.name} shows v${version}, which none of its accounts committed (as data or a tombstone)`,
        );
        this.flagged.add(page);
      }
    }
  }

  private connect(
    page: SimPage,
    token: string,
    handlers: LiveSocketHandlers,
  ): { send(text: string): void; close(): void } {
    const socket: SimSocket = { page, user: subjectOf(token), handlers, open: false, closed: false };
    void this.world.loop
      .sleep(this.world.dice.int(2) * LEG_MS, `${page.name} live socket connects`)
      .then(() => this.handshake(socket, token));
    return { send: () => {}, close: () => this.close(socket, 1000) };
  }

  /** The upgrade: the real live route's checks, then the room accepts the socket and sets its expiry alarm. */
  private async handshake(socket: SimSocket, token: string): Promise<void> {
    const { page } = socket;
    if (socket.closed || !page.alive) return;
    if (!page.device.online) return this.close(socket, 1006);
    const response = await this.world.worker.fetch(
      new Request(LIVE_URL, { headers: { authorization: `Bearer ${token}` } }),
    );
    if (socket.closed) return;
    if (response.status !== 426) {
      this.world.trace.add(`${page.name} live socket refused (${response.status})`);
      return this.close(socket, 1006);
    }
    socket.open = true;
    this.sockets.add(socket);
    const expiresAtMs = (decodeJwt(token).exp ?? 0) * 1000;
    socket.expiry = this.world.clock.setTimeout(
      () => this.close(socket, LIVE_CLOSE_TOKEN_EXPIRED),
      expiresAtMs - this.world.clock.now(),
      `${page.name} live token expires`,
    );
    this.world.trace.add(`${page.name} live socket open`);
    socket.handlers.open();
  }

  /** The socket closes; its page hears it a turn later (a page closed meanwhile hears nothing). */
  private close(socket: SimSocket, code: number): void {
    if (socket.closed) return;
    socket.closed = true;
    socket.open = false;
    this.sockets.delete(socket);
    this.world.clock.clearTimeout(socket.expiry);
    if (code !== 1000) this.world.trace.add(`${socket.page.name} live socket closed (${code})`);
    void this.world.loop
      .turn(`${socket.page.name} live socket closed`)
      .then(() => socket.page.alive && socket.handlers.close(code));
  }

  /** `LiveRoom.announce`: the new head of `app` to each of the user's open sockets, as the faults allow. */
  private announce(user: string, app: string, head: Omit<LiveHeadMessage, 'type'>): number {
    // A push racing a DELETE announces a version that may not stand (DESIGN §10, versions never restart, is the fix).
    if (head.version > 0 && !this.racingDelete.has(user))
      this.heads.set(user, Math.max(this.heads.get(user) ?? 0, head.version));
    let sent = 0;
    for (const socket of [...this.sockets]) {
      if (socket.user !== user || app !== SIM_APP) continue;
      // A device that went offline left its socket dead: the room finds out when it writes.
      if (!socket.page.device.online) {
        this.close(socket, 1006);
        continue;
      }
      const fault = this.deliveryFault();
      if (fault === 'drop-socket') this.close(socket, 1006);
      if (fault === 'drop-socket' || fault === 'never') continue;
      const version = fault === 'ahead' ? head.version + 1 + this.world.dice.int(2) : head.version;
      const delayMs =
        fault === 'late' ? LATE_MS + this.world.dice.int(LATE_EXTRA_S) * 1000 : this.world.dice.int(2) * LEG_MS;
      this.deliver(socket, { version, checksum: head.checksum }, delayMs);
      if (fault === 'twice')
        this.deliver(socket, { version, checksum: head.checksum }, delayMs + this.world.dice.int(LATE_EXTRA_S) * 1000);
      sent++;
    }
    return sent;
  }

  private deliveryFault(): AnnouncementFault | null {
    const { faults, dice } = this.world;
    if (!faults.active || !dice.chance(ANNOUNCEMENT_FAULT_RATE)) return null;
    const fault = dice.pick(ANNOUNCEMENT_FAULTS);
    faults.count(`announcement-${fault}`);
    return fault;
  }

  private deliver(socket: SimSocket, head: Omit<LiveHeadMessage, 'type'>, delayMs: number): void {
    const text = JSON.stringify({ type: 'head', ...head } satisfies LiveHeadMessage);
    void this.world.loop.sleep(delayMs, `${socket.page.name} hears v${head.version} announced`).then(() => {
      if (socket.open && socket.page.alive) socket.handlers.message(text);
    });
  }

  /** The live client hands the engine a hint: it must change nothing by itself, and a stale one must send nothing. */
  private heard(page: SimPage, version: number | null, hint: (version: number | null) => void): void {
    const before = page.engine.getState();
    const data = JSON.stringify(page.device.storage.dump());
    if (version !== null)
      this.world.trace.add(`${page.name} heard v${version} announced (holds v${before.version}, ${before.status})`);
    hint(version);
    const after = page.engine.getState();
    if (JSON.stringify(page.device.storage.dump()) !== data || after.version !== before.version) {
      this.world.ledger.violate(
        'live-hint-only',
        `${page.name} changed its data or version (v${before.version} -> v${after.version}) on hearing an announcement`,
      );
    }
    if (version !== null && version > 0 && version <= before.version && before.status === 'synced')
      this.probes.push({ page, sentBefore: page.requestsSent, version, held: before.version });
  }
}

function subjectOf(token: string): string | null {
  try {
    const { sub } = decodeJwt(token);
    return typeof sub === 'string' ? sub : null;
  } catch {
    return null;
  }
}
