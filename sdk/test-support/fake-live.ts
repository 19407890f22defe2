import type { LiveConnector, LiveRefusal, LiveSocketHandlers } from '../core/ports.js';

/** One socket the SDK opened through a {@link FakeLiveConnector}; the test plays the server. */
export class FakeLiveSocket {
  closed = false;
  readonly sent: string[] = [];
  constructor(
    readonly token: string,
    private readonly handlers: LiveSocketHandlers,
  ) {}
  /** The server accepted the socket. */
  open(): void {
    this.handlers.open();
  }
  /** The server announces a new head. */
  announce(version: number, checksum: string | null = null): void {
    this.handlers.message(JSON.stringify({ type: 'head', version, checksum }));
  }
  /** The server (or the network) closed the socket. */
  drop(code = 1006): void {
    this.handlers.close(code);
  }
  send(text: string): void {
    this.sent.push(text);
  }
  close(): void {
    this.closed = true;
  }
}

/** A {@link LiveConnector} the test drives: every socket the SDK opens, and what a probe answers. */
export class FakeLiveConnector implements LiveConnector {
  readonly sockets: FakeLiveSocket[] = [];
  /** Tokens of the plain requests that asked why a socket did not open. */
  readonly probes: string[] = [];
  /** What the next probes answer. */
  refusal: LiveRefusal = 'transient';
  connect(token: string, handlers: LiveSocketHandlers): FakeLiveSocket {
    const socket = new FakeLiveSocket(token, handlers);
    this.sockets.push(socket);
    return socket;
  }
  whyRefused(token: string): Promise<LiveRefusal> {
    this.probes.push(token);
    return Promise.resolve(this.refusal);
  }
  /** The sockets the SDK has not closed (at most one, if leadership works). */
  openSockets(): FakeLiveSocket[] {
    return this.sockets.filter((socket) => !socket.closed);
  }
  get last(): FakeLiveSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('No live socket was opened');
    return socket;
  }
}
