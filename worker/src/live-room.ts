import { DurableObject } from 'cloudflare:workers';
import { LIVE_CLOSE_TOKEN_EXPIRED, LIVE_SUBPROTOCOL, type LiveHeadMessage } from '../../sdk/contract/index.js';

/** Request header the Worker uses to tell the room which app a new socket listens to. */
export const LIVE_APP_HEADER = 'X-Taco-Live-App';
/** Request header with the socket's token expiry, ms since the epoch. */
export const LIVE_EXPIRES_HEADER = 'X-Taco-Live-Expires';
/** A text message the room answers with {@link LIVE_PONG} without waking up (keeps proxies from closing an idle socket). */
export const LIVE_PING = 'ping';
export const LIVE_PONG = 'pong';

/** What each socket carries through hibernation. */
interface SocketAttachment {
  app: string;
  /** The token's `exp` in ms: the socket is closed then. */
  expiresAtMs: number;
}

/**
 * One user's live room (DESIGN §9): a Durable Object per user (named by the JWT `sub`) holding that
 * user's open live sockets, tagged with their app, through the WebSocket Hibernation API, so an
 * idle room costs no duration. The Worker authenticates every socket before it reaches the room and
 * calls {@link LiveRoom.announce} after each commit. Token expiry is an alarm, not a timer: a
 * pending `setTimeout` would keep the room from hibernating.
 */
export class LiveRoom extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(LIVE_PING, LIVE_PONG));
  }

  /** Accepts an upgrade the Worker already authenticated; the app and expiry come in its headers. */
  override async fetch(request: Request): Promise<Response> {
    const app = request.headers.get(LIVE_APP_HEADER) ?? '';
    const expiresAtMs = Number(request.headers.get(LIVE_EXPIRES_HEADER));
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server, [app]);
    server.serializeAttachment({ app, expiresAtMs } satisfies SocketAttachment);
    await this.scheduleExpiry();
    const offered = (request.headers.get('Sec-WebSocket-Protocol') ?? '').split(',').map((entry) => entry.trim());
    const headers: HeadersInit = offered.includes(LIVE_SUBPROTOCOL)
      ? { 'Sec-WebSocket-Protocol': LIVE_SUBPROTOCOL }
      : {};
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  /** Sends the new head of `app` to every socket of this user listening to it; returns how many. */
  async announce(app: string, head: Omit<LiveHeadMessage, 'type'>): Promise<number> {
    const text = JSON.stringify({
      type: 'head',
      version: head.version,
      checksum: head.checksum,
    } satisfies LiveHeadMessage);
    let sent = 0;
    for (const socket of this.ctx.getWebSockets(app)) {
      try {
        socket.send(text);
        sent++;
      } catch {
        // A socket closing meanwhile: its page checks when it reconnects.
      }
    }
    return sent;
  }

  /** Closes the sockets whose token expired, then waits for the next expiry. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    for (const socket of this.ctx.getWebSockets()) {
      if (attachmentOf(socket).expiresAtMs <= now) closeQuietly(socket, LIVE_CLOSE_TOKEN_EXPIRED, 'Token expired');
    }
    await this.scheduleExpiry();
  }

  /** Clients say nothing but pings, which the auto-response answers; anything else is ignored. */
  override webSocketMessage(): void {}

  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    closeQuietly(socket, code, reason);
  }

  /** Sets the alarm at the earliest expiry of the sockets still open (none: no alarm). */
  private async scheduleExpiry(): Promise<void> {
    const open = this.ctx.getWebSockets().filter((socket) => socket.readyState === WebSocket.OPEN);
    const next = Math.min(...open.map((socket) => attachmentOf(socket).expiresAtMs));
    if (!Number.isFinite(next)) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || next < current) await this.ctx.storage.setAlarm(next);
  }
}

const attachmentOf = (socket: WebSocket): SocketAttachment => socket.deserializeAttachment() as SocketAttachment;

// Closing a socket the other side already closed throws; reserved codes (1005, 1006) cannot be sent.
function closeQuietly(socket: WebSocket, code: number, reason: string): void {
  try {
    socket.close(code === 1005 || code === 1006 ? 1000 : code, reason);
  } catch {
    // Already closed.
  }
}
