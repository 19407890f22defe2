import { decodeJwt } from 'jose';
import type { Dice, Faults, RequestFault } from './faults.js';
import type { EventLoop } from './event-loop.js';
import type { Trace } from './trace.js';

/** Who sends a request: one page of a device. */
export interface Sender {
  name: string;
  /** The device is online (`navigator.onLine`, and the network really works). */
  online(): boolean;
  /** The page is open: a closed page sends nothing and hears nothing. */
  isOpen(): boolean;
  /** Requests of this page waiting for an answer (the stall check reads it). */
  inFlight: number;
}

/** What the network reports about each exchange. */
export interface NetworkObserver {
  /** The Worker started handling a request of `user` (null when its token names nobody). */
  arrived(user: string | null, method: string, path: string): void;
  /** The Worker finished handling it; `status` and `body` are what it answered. */
  handled(user: string | null, method: string, path: string, status: number, body: string): void;
  /** The answer reached the page that sent the request (`path` with its query). */
  answered(user: string | null, method: string, path: string, status: number, body: string, sender: Sender): void;
}

/** The Worker as the network reaches it. */
export interface Endpoint {
  fetch(request: Request): Promise<Response>;
}

/** A leg of a request or answer takes 0, 50 or 100 ms: coarse, so that legs often finish together and the scheduler orders them. */
const LEG_MS = 50;
/** A delayed request arrives this long after it was sent, at least: past the SDK's 30 s timeout when the extra delay is large. */
const DELAY_BASE_MS = 15_000;

const never = <T>(): Promise<T> => new Promise<T>(() => {});

function userOf(request: Request): string | null {
  const token = request.headers.get('authorization')?.replace(/^Bearer /i, '') ?? '';
  try {
    const sub = decodeJwt(token).sub;
    return typeof sub === 'string' ? sub : null;
  } catch {
    return null;
  }
}

/** Settles as `work` does, unless `signal` aborts first (then rejects as fetch does); `work` goes on regardless. */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new DOMException('The operation was aborted.', 'AbortError'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new DOMException('The operation was aborted.', 'AbortError'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * The simulated network between pages and the Worker: the `fetch` each page's transport uses.
 * A request once sent travels on its own: aborting it (a timeout, `stop()`, a closed page) only
 * stops the page from hearing the answer, as with a real connection whose bytes already left. Per
 * request it may be dropped, arrive late (past the client's timeout), arrive twice, never be
 * answered (before or after the Worker handled it), lose only its answer, or get a 503/429 from
 * the edge; an offline device's fetch fails at once.
 */
export class Network {
  constructor(
    private readonly loop: EventLoop,
    private readonly faults: Faults,
    private readonly dice: Dice,
    private readonly trace: Trace,
    private readonly server: Endpoint,
    private readonly observer: NetworkObserver,
  ) {}

  /** The `fetch` of one page. */
  fetchFor(sender: Sender): typeof fetch {
    return async (input, init = {}) => {
      const url = String(input);
      const method = init.method ?? 'GET';
      const path = new URL(url).pathname.replace(/^\/api\/sync\/[^/]+/, '') || '/';
      const label = `${sender.name} ${method} ${path}`;
      if (!sender.isOpen()) return never();
      if (!sender.online()) {
        this.trace.add(`${label}: offline`);
        throw new TypeError('Failed to fetch (offline)');
      }
      const fault = this.faults.request();
      if (fault) this.trace.add(`${label}: ${fault}`);
      const request = new Request(url, { method, headers: init.headers, body: init.body ?? null });
      sender.inFlight++;
      try {
        return await unlessAborted(this.exchange(sender, label, request, fault, init.signal), init.signal);
      } finally {
        sender.inFlight--;
      }
    };
  }

  /** One leg of the trip: 0 to 2 × {@link LEG_MS} of simulated time. */
  private leg(label: string): Promise<void> {
    return this.loop.sleep(this.dice.int(2) * LEG_MS, label);
  }

  private async exchange(
    sender: Sender,
    label: string,
    request: Request,
    fault: RequestFault | null,
    signal: AbortSignal | null | undefined,
  ): Promise<Response> {
    const duplicate = fault === 'duplicate' ? (request.clone() as Request) : null;
    await this.leg(`${label} sent`);
    if (fault === 'drop') throw new TypeError('Failed to fetch (dropped)');
    if (fault === 'hang') return never();
    if (fault === 'delay') await this.loop.sleep(DELAY_BASE_MS + this.dice.int(30) * 1000, `${label} (delayed)`);
    if (fault === 'edge-503' || fault === 'edge-429') {
      const status = fault === 'edge-503' ? 503 : 429;
      const code = status === 503 ? 'UNAVAILABLE' : 'RATE_LIMITED';
      return Response.json(
        { error: `edge ${status} (injected)`, code },
        { status, headers: { 'Retry-After': String(1 + this.dice.int(20)) } },
      );
    }
    if (duplicate) void this.leg(`${label} duplicate sent`).then(() => this.handle(`${label} (duplicate)`, duplicate));
    const { status, headers, body } = await this.handle(label, request);
    if (fault === 'lose-answer') throw new TypeError('Failed to fetch (answer lost)');
    if (fault === 'hang-after-server') return never();
    await this.leg(`${label} answered`);
    if (signal?.aborted || !sender.isOpen()) return never();
    const { pathname, search } = new URL(request.url);
    this.observer.answered(userOf(request), request.method, pathname + search, status, body, sender);
    return new Response(body, { status, headers });
  }

  private async handle(label: string, request: Request): Promise<{ status: number; headers: Headers; body: string }> {
    const user = userOf(request);
    const path = new URL(request.url).pathname;
    this.observer.arrived(user, request.method, path);
    const response = await this.server.fetch(request);
    const body = await response.text();
    this.observer.handled(user, request.method, path, response.status, body);
    this.trace.add(`${label} -> ${response.status}${response.status >= 400 ? ` ${body.slice(0, 80)}` : ''}`);
    return { status: response.status, headers: response.headers, body };
  }
}
