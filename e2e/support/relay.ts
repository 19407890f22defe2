import { createServer, request as httpRequest, type Server } from 'node:http';
import type { Socket } from 'node:net';

/** One request that left a device (an API call, a page, a script), as its relay saw it. */
export interface ApiRequest {
  method: string;
  /** Path and query, e.g. `/api/sync/tenure/push`. */
  path: string;
  /** The Worker's status, `null` while it has not answered, `'refused'` when the relay was down. */
  status: number | 'refused' | null;
  /** Whether a tab asked for it as its page (`Sec-Fetch-Dest: document`), a load or reload. */
  page: boolean;
  /** When it reached the relay (`Date.now()`). */
  at: number;
}

/**
 * A device's own way to the Worker: a plain HTTP relay on a port of its own, so the device has its
 * own origin, every request it sends is recorded here whatever the engine (WebDriver classic
 * shows no network traffic), and the network can go down for it: while `down`, every request is
 * refused (the connection is reset) and open connections are cut.
 */
export class DeviceRelay {
  /** Every request, in order. */
  readonly requests: ApiRequest[] = [];
  private down = false;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server, readonly url: string) {}

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
      const record: ApiRequest = { method: req.method ?? 'GET', path, status: null, page: req.headers['sec-fetch-dest'] === 'document', at: Date.now() };
      relay.requests.push(record);
      if (relay.down) {
        record.status = 'refused';
        req.socket.destroy();
        return;
      }
      const upstreamRequest = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path, headers: req.headers },
        (answer) => {
          record.status = answer.statusCode ?? null;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstreamRequest.on('error', () => res.writeHead(502).end());
      req.pipe(upstreamRequest);
    });
    return relay;
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
