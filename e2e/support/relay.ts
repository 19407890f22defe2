import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, type Socket } from 'node:net';

/** One request that left a device (an API call, a page, a script), as its relay saw it. */
export interface ApiRequest {
  method: string;
  /** Path and query, e.g. `/api/sync/tenure/push`. */
  path: string;
  /**
   * The Worker's status (also when the relay then dropped the answer), `null` while it has not
   * answered, `'refused'` when the relay was down, `'stalled'` when the relay held it unanswered.
   */
  status: number | 'refused' | 'stalled' | null;
  /** Whether a tab asked for it as its page (`Sec-Fetch-Dest: document`), a load or reload. */
  page: boolean;
  /** When it reached the relay (`Date.now()`). */
  at: number;
  /** Bytes of its body that reached the relay, as sent (compressed bodies count compressed). */
  bodyBytes: number;
  /** For a page the Worker answered with 200: which page load of this device it was (1 for the first), as {@link PAGE_LOAD_META} tells the page. */
  load?: number;
}

/**
 * The `<meta name>` the relay adds to the head of every page it serves, whose `content` is that
 * page's load number ({@link ApiRequest.load}): the document itself says which load it came from.
 * The browser's clock cannot tell: WebKitGTK 2.50 recomputes `performance.timeOrigin` at every read
 * (one page's moved 11 ms within a few seconds on a busy machine), while a reload's navigation starts
 * as little as 1 ms before its request reaches the relay.
 */
export const PAGE_LOAD_META = 'e2e-page-load';

/**
 * What the relay can do to a request instead of relaying it: `stall` holds it and never answers (a
 * request that hangs); `drop-answer` relays it, lets the Worker answer, and then resets the
 * connection, so the page never learns the answer (a push that committed while the tab lost the network).
 */
export type Interference = 'stall' | 'drop-answer';

/**
 * A device's own way to the Worker: a plain HTTP relay on a port of its own, so the device has its
 * own origin, every request it sends is recorded here whatever the engine (WebDriver classic
 * shows no network traffic), and the network can go down for it: while `down`, every request is
 * refused (the connection is reset) and open connections are cut; single requests can be stalled
 * or lose their answer ({@link Interference}), the same way in every engine.
 */
export class DeviceRelay {
  /** Every request, in order. */
  readonly requests: ApiRequest[] = [];
  private down = false;
  private pagesServed = 0;
  private readonly interferences: { path: string; what: Interference; left: number }[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Starts a relay on a free port of 127.0.0.1 in front of `upstream` (an `http://host:port` origin). */
  static async start(upstream: string): Promise<DeviceRelay> {
    const target = new URL(upstream);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('relay has no port');
    const relay = new DeviceRelay(server, `http://127.0.0.1:${address.port}`);
    server.on('connection', (socket) => {
      relay.sockets.add(socket);
      socket.once('close', () => relay.sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      const path = req.url ?? '/';
      const record: ApiRequest = {
        method: req.method ?? 'GET',
        path,
        status: null,
        page: req.headers['sec-fetch-dest'] === 'document',
        at: Date.now(),
        bodyBytes: 0,
      };
      req.on('data', (chunk: Buffer) => (record.bodyBytes += chunk.byteLength));
      relay.requests.push(record);
      if (relay.down) {
        record.status = 'refused';
        req.socket.destroy();
        return;
      }
      const what = relay.interferenceFor(path);
      if (what === 'stall') {
        record.status = 'stalled';
        return;
      }
      const upstreamRequest = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path,
          headers: record.page ? asFreshPageRequest(req.headers) : req.headers,
        },
        (answer) => {
          record.status = answer.statusCode ?? null;
          if (what === 'drop-answer') {
            answer.resume().once('end', () => req.socket.destroy());
            return;
          }
          if (record.page && answer.statusCode === 200 && /^text\/html/.test(answer.headers['content-type'] ?? '')) {
            record.load = ++relay.pagesServed;
            return void servePage(answer, res, record.load);
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstreamRequest.on('error', () => res.writeHead(502).end());
      req.pipe(upstreamRequest);
    });
    // A live socket (`live: true`): the upgrade is replayed upstream and the bytes piped both ways;
    // taking the network down cuts it with the rest (its client socket is one of `sockets`).
    server.on('upgrade', (req, socket: Socket, head: Buffer) => {
      const record: ApiRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        status: null,
        page: false,
        at: Date.now(),
        bodyBytes: 0,
      };
      relay.requests.push(record);
      if (relay.down) {
        record.status = 'refused';
        socket.destroy();
        return;
      }
      const upstreamSocket = connect(Number(target.port), target.hostname, () => {
        const headers: string[] = [];
        for (let i = 0; i < req.rawHeaders.length; i += 2)
          headers.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        upstreamSocket.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
        upstreamSocket.write(head);
        upstreamSocket.once(
          'data',
          (first: Buffer) =>
            (record.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(first.toString('latin1'))?.[1] ?? 0) || null),
        );
        socket.pipe(upstreamSocket).pipe(socket);
      });
      upstreamSocket.on('error', () => socket.destroy());
      socket.on('error', () => upstreamSocket.destroy());
      socket.once('close', () => upstreamSocket.destroy());
    });
    return relay;
  }

  /**
   * Does `what` to the next `times` requests whose path (without query) ends with `path`, e.g.
   * `/api/sync/tenure/push`. Returns a function that stops it.
   */
  interfere(path: string, what: Interference, times = Number.POSITIVE_INFINITY): () => void {
    const rule = { path, what, left: times };
    this.interferences.push(rule);
    return () => {
      const at = this.interferences.indexOf(rule);
      if (at >= 0) this.interferences.splice(at, 1);
    };
  }

  private interferenceFor(path: string): Interference | null {
    const rule = this.interferences.find((r) => r.left > 0 && (path.split('?')[0] ?? '').endsWith(r.path));
    if (!rule) return null;
    rule.left--;
    return rule.what;
  }

  /** Takes the network down (`true`) or brings it back. */
  setDown(down: boolean): void {
    this.down = down;
    if (down) for (const socket of this.sockets) socket.destroy();
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A page request without what would let the Worker answer 304 or compressed: the relay adds {@link PAGE_LOAD_META} to its HTML. */
function asFreshPageRequest(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const { 'if-none-match': _etag, 'if-modified-since': _modified, 'accept-encoding': _encoding, ...rest } = headers;
  return rest;
}

/** Answers with the page `answer` holds, its head starting with {@link PAGE_LOAD_META} for load `load`. */
function servePage(answer: IncomingMessage, res: ServerResponse, load: number): void {
  const chunks: Buffer[] = [];
  answer.on('data', (chunk: Buffer) => chunks.push(chunk));
  answer.once('end', () => {
    const meta = `<meta name="${PAGE_LOAD_META}" content="${load}">`;
    const html = Buffer.concat(chunks).toString('utf8');
    const head = /<head[^>]*>/i.exec(html);
    const at = head ? head.index + head[0].length : 0;
    const body = Buffer.from(`${html.slice(0, at)}${meta}${html.slice(at)}`);
    const { 'content-length': _length, 'content-encoding': _encoding, etag: _etag, ...headers } = answer.headers;
    res.writeHead(200, { ...headers, 'content-length': body.byteLength });
    res.end(body);
  });
}
