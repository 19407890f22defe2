import { liveProtocols } from '../contract/live.js';
import type { LiveConnector, LiveRefusal } from '../core/ports.js';

/** Where {@link webSocketConnector} connects. */
export interface LiveSocketOptions {
  /** The app's live route as an http(s) URL, e.g. `https://sync.example.com/api/sync/tenure/live`. */
  url: string;
  /** The fetch for the request that asks why a socket did not open; `globalThis.fetch` by default. */
  fetch?: typeof fetch;
}

/** Close code a browser reports when a socket closed without a close frame (RFC 6455 §7.4.1). */
const ABNORMAL_CLOSE = 1006;

/**
 * The browser's {@link LiveConnector}: a `WebSocket` to `wss://…/api/sync/{app}/live` whose token
 * travels as the `bearer.<JWT>` subprotocol entry (browsers cannot set headers on a WebSocket; see
 * docs/protocol.md), and a plain `GET` of the same route with `Authorization` to learn why a socket
 * did not open (a refused upgrade tells a page nothing).
 */
export function webSocketConnector(options: LiveSocketOptions): LiveConnector {
  const { url } = options;
  return {
    connect(token, handlers) {
      let socket: WebSocket;
      try {
        socket = new WebSocket(url.replace(/^http/, 'ws'), liveProtocols(token));
      } catch {
        queueMicrotask(() => handlers.close(ABNORMAL_CLOSE));
        return { send() {}, close() {} };
      }
      socket.onopen = () => handlers.open();
      socket.onmessage = (event) => typeof event.data === 'string' && handlers.message(event.data);
      socket.onclose = (event) => handlers.close(event.code || ABNORMAL_CLOSE);
      return {
        send: (text) => socket.readyState === WebSocket.OPEN && socket.send(text),
        close: () => socket.close(1000),
      };
    },
    async whyRefused(token) {
      try {
        const response = await (options.fetch ?? fetch)(url, { headers: { authorization: `Bearer ${token}` } });
        return refusalOf(response.status);
      } catch {
        return 'transient';
      }
    },
  };
}

function refusalOf(status: number): LiveRefusal {
  if (status === 426) return 'open';
  if (status === 401) return 'token';
  if (status === 403) return 'forbidden';
  // 404: a Worker older than the live route, or an app it does not serve; 501: no binding.
  return status === 404 || status === 501 ? 'disabled' : 'transient';
}
