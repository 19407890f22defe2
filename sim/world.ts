import { SignJWT } from 'jose';
import type { WorkerEnv } from '../worker/src/config.js';
import { createWorker } from '../worker/src/index.js';
import type { SyncBucket } from '../worker/src/store.js';
import { IdentityProvider, Session, SIM_JWT_SECRET, SIM_JWT_SECRET_BYTES } from './accounts.js';
import { SIM_APP } from './app-model.js';
import { SimDevice } from './device.js';
import { EventLoop } from './event-loop.js';
import { Dice, Faults } from './faults.js';
import { faultyBucket } from './faulty-bucket.js';
import { Ledger } from './ledger.js';
import { LiveAnnouncements } from './live-announcements.js';
import { MemoryBucket } from './memory-bucket.js';
import { Network, type Endpoint } from './network.js';
import { PullCoverage } from './patch-pulls.js';
import { SimPage } from './page.js';
import type { Scenario } from './scenario.js';
import { Trace } from './trace.js';
import { VirtualClock } from './virtual-clock.js';

/** A Worker over `bucket`, as `createWorker` builds it for production, with simulated time. */
function workerOver(bucket: SyncBucket, clock: VirtualClock, live?: LiveAnnouncements): Endpoint {
  const worker = createWorker({ bucket: () => bucket, now: () => new Date(clock.now()) });
  const env = {
    BACKUPS: bucket,
    SYNC_APPS: SIM_APP,
    JWT_SECRET: SIM_JWT_SECRET,
    ALLOWED_ORIGINS: '',
    MAX_BODY_BYTES: '10485760',
    ...(live && { LIVE: live.binding }),
  } as unknown as WorkerEnv;
  return { fetch: (request) => worker.fetch(request, env) };
}

/**
 * Everything one run simulates, built from its scenario: simulated time and the event loop, the
 * faults, the R2 bucket with the Worker over it (a second Worker reads the same bucket for the
 * checks, with no faults and no scheduling), the network, the identity provider, and the devices
 * with their pages. The ledger records what the checks need.
 */
export class World {
  readonly clock = new VirtualClock();
  readonly start = this.clock.now();
  readonly trace = new Trace(() => this.clock.now(), this.start);
  readonly ledger = new Ledger(() => this.clock.now() - this.start);
  readonly dice: Dice;
  readonly faults: Faults;
  readonly loop: EventLoop;
  readonly bucket: MemoryBucket;
  readonly network: Network;
  /** The Worker the pages reach (its bucket faulty), with live updates on. */
  readonly worker: Endpoint;
  /** The live rooms, the pages' sockets and what announcements do (DESIGN §9). */
  readonly live: LiveAnnouncements = new LiveAnnouncements(this);
  /** The Worker the checks read through: the same bucket, no faults, no scheduling. */
  readonly reader: Endpoint;
  readonly idp = new IdentityProvider(this.clock);
  readonly users: string[];
  readonly devices: SimDevice[];
  /** What the pages' pulls asked and got (patch or full). */
  readonly pulls = new PullCoverage();
  /** Seeded numbers in [0, 1): backoff jitter and `Math.random`. */
  readonly random: () => number;
  private readonly readerTokens = new Map<string, Promise<string>>();

  constructor(
    readonly scenario: Scenario,
    dice: Dice,
    afterStep: (label: string) => Promise<void>,
  ) {
    this.dice = dice;
    this.random = () => dice.int(9_999) / 10_000;
    this.faults = new Faults(scenario.faults, dice);
    this.loop = new EventLoop(dice, this.clock, afterStep);
    this.bucket = new MemoryBucket(
      () => this.clock.now(),
      () => (this.faults.active ? 1 + dice.int(3) : 1000),
    );
    this.bucket.onWrite = ({ key, before, after }) => this.ledger.bucketWrite(key, before, after);
    this.worker = workerOver(faultyBucket(this.bucket, this.loop, this.faults, this.trace), this.clock, this.live);
    this.reader = workerOver(this.bucket, this.clock);
    this.network = new Network(this.loop, this.faults, dice, this.trace, this.worker, {
      arrived: (user, method, path) => {
        if (user) this.live.atWorker(user, method, path, false);
        if (user && method === 'DELETE') this.ledger.deleteStarted(user);
      },
      handled: (user, method, path) => {
        if (user) this.live.atWorker(user, method, path, true);
        if (user && method === 'DELETE') this.ledger.deleteFinished(user);
      },
      answered: (user, method, path, status, body) => {
        if (method === 'GET') this.pulls.answered(path, status, body);
        if (!user || method !== 'POST' || !path.endsWith('/push') || status !== 200) return;
        const answer = JSON.parse(body) as { version: number; checksum: string };
        this.ledger.acknowledged(user, answer.version, answer.checksum);
      },
    });
    this.users = Array.from({ length: scenario.users }, (_, i) => `user${i + 1}`);
    this.devices = scenario.devices.map(
      (spec, i) =>
        new SimDevice(
          `d${i + 1}`,
          spec.tabs,
          new Session(this.idp, spec.user === null ? null : this.users[spec.user % this.users.length]!),
        ),
    );
  }

  /** Opens the page of every tab. */
  openAll(): void {
    for (const device of this.devices)
      for (let slot = 0; slot < device.tabs.length; slot++) this.openPage(device, slot);
  }

  /** Opens a fresh page in `slot` of `device` (closing the one there). */
  openPage(device: SimDevice, slot: number): SimPage {
    device.pages[slot]?.close();
    const incarnation = (device.loads[slot] = (device.loads[slot] ?? -1) + 1);
    const page = new SimPage(this, device, slot, incarnation, device.tabs[slot]!);
    device.pages[slot] = page;
    page.open();
    return page;
  }

  /** The SDK asked for a reload: the page goes away at the next turn and a fresh one loads. */
  requestReload(page: SimPage): void {
    this.trace.add(`${page.name} reload requested by the SDK`);
    void this.loop.turn(`${page.name} reloads`).then(() => {
      if (page.alive && page.device.pages[page.slot] === page) this.openPage(page.device, page.slot);
    });
  }

  /** A request to the checks' Worker, as `user` (a token that always allows the app). */
  async read(user: string, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
    let token = this.readerTokens.get(user);
    if (!token) {
      const now = Math.floor(this.start / 1000);
      token = new SignJWT({ subscriptions: ['sync_tenure'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user)
        .setIssuedAt(now)
        .setExpirationTime(now + 10 * 365 * 86_400)
        .sign(SIM_JWT_SECRET_BYTES);
      this.readerTokens.set(user, token);
    }
    const response = await this.reader.fetch(
      new Request(`https://sync.sim/api/sync/${SIM_APP}${path}`, {
        headers: { authorization: `Bearer ${await token}` },
      }),
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
}
