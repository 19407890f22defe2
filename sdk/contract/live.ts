// No imports: the live client is a chunk of its own, and anything it shared with the core would
// move into a third chunk every app loads (cross-chunk names cost the core ~360 B min+gz).

/**
 * The subprotocol a live socket speaks (`GET /api/sync/{app}/live`, DESIGN §9). The Worker answers
 * the upgrade with it, never with the token entry.
 */
export const LIVE_SUBPROTOCOL = 'taco-sync.v1';

/**
 * How a browser's live socket carries its token: a second `Sec-WebSocket-Protocol` entry,
 * `bearer.<JWT>` (a JWT's characters are all valid in a subprotocol token). Browsers cannot set
 * `Authorization` on a WebSocket, and a token in the URL would end up in access logs.
 */
export const LIVE_TOKEN_PROTOCOL_PREFIX = 'bearer.';

/** Close code of a live socket whose token expired: reconnect with a fresh token. */
export const LIVE_CLOSE_TOKEN_EXPIRED = 4401;

/**
 * What a live socket announces after each commit of its user's app (push, restore, DELETE): the new
 * head. A hint that a check will find something new, never data: `checksum` is null after a DELETE.
 */
export interface LiveHeadMessage {
  /** The only kind of message so far; others are ignored (a newer server may send more). */
  type: 'head';
  /** The server's version after the commit (0 when nothing is stored). */
  version: number;
  /** The checksum of that version's data, or null when nothing is stored. */
  checksum: string | null;
}

/** The `Sec-WebSocket-Protocol` entries a client sends to open a live socket with `token`. */
export const liveProtocols = (token: string): string[] => [LIVE_SUBPROTOCOL, `${LIVE_TOKEN_PROTOCOL_PREFIX}${token}`];

/** Parses a live socket's message text; null for anything that is not a {@link LiveHeadMessage}. */
export function parseLiveMessage(text: unknown): LiveHeadMessage | null {
  let value: unknown;
  try {
    value = typeof text === 'string' ? (JSON.parse(text) as unknown) : null;
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { type, version, checksum } = value as Record<string, unknown>;
  const isVersion = typeof version === 'number' && Number.isSafeInteger(version) && version >= 0;
  if (
    type !== 'head' ||
    !isVersion ||
    (checksum !== null && !(typeof checksum === 'string' && /^[0-9a-f]{64}$/.test(checksum)))
  )
    return null;
  return { type, version, checksum };
}
