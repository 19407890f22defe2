import { canonicalJson } from './canonical-json.js';
import type { Snapshot } from './snapshot.js';

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text` (WebCrypto). */
export async function sha256Hex(text: string | Uint8Array): Promise<string> {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The checksum of a snapshot: lowercase hex SHA-256 of its canonical JSON's UTF-8 bytes.
 * Client and server compute it with this one function.
 *
 * @example
 * await checksum({}) // '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'
 */
export function checksum(data: Snapshot): Promise<string> {
  return sha256Hex(canonicalJson(data));
}

/** True when `value` looks like a checksum: 64 lowercase hex digits. */
export function isChecksum(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}
