import { canonicalJson, utf8ByteLength } from './canonical-json.js';
import type { Snapshot } from './snapshot.js';

/**
 * Bytes a full push needs besides its data's canonical JSON: `version`, `checksum`,
 * `baseChecksum`, `deviceId`, `timestamp` and a `deviceName` of 64 characters even if every one
 * is escaped (`\u0000`, 6 bytes) come to under 700 bytes; 4 KiB leaves room for fields to come.
 */
export const PUSH_ENVELOPE_MAX_BYTES = 4 * 1024;

/**
 * Default `MAX_STORED_BYTES`: the most UTF-8 bytes of canonical JSON the Worker stores for one
 * app of one user, 10 MiB less {@link PUSH_ENVELOPE_MAX_BYTES} (10,481,664 bytes), so a full push
 * of any stored data fits the default 10 MiB body limit. A browser's localStorage holds about
 * 5 Mi UTF-16 code units per origin; as canonical JSON that is 5 MiB of ASCII and more with
 * escapes and non-ASCII text, so this fits a full store of typical app data. docs/protocol.md,
 * "Bounds", has the measurement.
 */
export const DEFAULT_MAX_STORED_BYTES = 10 * 1024 * 1024 - PUSH_ENVELOPE_MAX_BYTES;

/**
 * The most keys one snapshot may hold: 100,000. Real apps keep tens to thousands of keys; each
 * key costs the Worker about 190 bytes of memory beyond its text while a push is parsed,
 * canonicalised and hashed, so a million short keys (which fit 10 MiB) would need a large part of
 * an isolate's 128 MB (docs/protocol.md, "Bounds").
 */
export const MAX_SNAPSHOT_KEYS = 100_000;

const MEBIBYTE = 1024 * 1024;
const sizeText = (bytes: number): string =>
  bytes < MEBIBYTE ? `${bytes} bytes` : `${(bytes / MEBIBYTE).toFixed(1)} MiB`;

/**
 * Why a snapshot of `keyCount` keys and `canonicalBytes` bytes of canonical JSON is too large to
 * sync, in words for a person, or null when it is within the bounds. The Worker answers this
 * message with 413 `PAYLOAD_TOO_LARGE`; the SDK raises it before sending.
 *
 * @param maxStoredBytes - the Worker's `MAX_STORED_BYTES` (default {@link DEFAULT_MAX_STORED_BYTES}).
 * @example
 * storedSizeProblem(120_000, 2_000_000) // 'This data is too large to sync: 120000 keys, and the sync server keeps at most 100000.'
 */
export function storedSizeProblem(
  keyCount: number,
  canonicalBytes: number,
  maxStoredBytes = DEFAULT_MAX_STORED_BYTES,
): string | null {
  const [has, most] =
    keyCount > MAX_SNAPSHOT_KEYS
      ? [`${keyCount} keys`, MAX_SNAPSHOT_KEYS]
      : canonicalBytes > maxStoredBytes
        ? [sizeText(canonicalBytes), sizeText(maxStoredBytes)]
        : [];
  return has ? `This data is too large to sync: ${has}, and the sync server keeps at most ${most}.` : null;
}

/**
 * {@link storedSizeProblem} for a snapshot. Serialises it only when a bound on its size says it
 * might be too large (each UTF-16 code unit is at most 6 bytes of JSON, `\u0000`), so the usual
 * small store costs one pass over its keys.
 */
export function snapshotSizeProblem(data: Snapshot, maxStoredBytes = DEFAULT_MAX_STORED_BYTES): string | null {
  let keyCount = 0;
  let boundBytes = 2;
  for (const key in data) {
    keyCount += 1;
    boundBytes += (key.length + data[key]!.length) * 6 + 6;
  }
  return storedSizeProblem(
    keyCount,
    keyCount > MAX_SNAPSHOT_KEYS || boundBytes <= maxStoredBytes ? 0 : utf8ByteLength(canonicalJson(data)),
    maxStoredBytes,
  );
}
