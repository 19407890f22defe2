import { MAX_SNAPSHOT_KEYS, storedSizeProblem, utf8ByteLength, type Snapshot } from '../../sdk/contract/index.js';
import { HttpError } from './http-error.js';

/**
 * The most JSON strings a push body within the key cap can hold: a patch may set
 * {@link MAX_SNAPSHOT_KEYS} keys (two strings each) and remove as many (one each), and the fixed
 * fields add a few. A body with more cannot be a push the Worker would store.
 */
export const MAX_PUSH_BODY_STRINGS = 3 * MAX_SNAPSHOT_KEYS + 32;

const BACKSLASH = 0x5c;

/**
 * Refuses, before it is parsed into objects, a push body with more JSON strings than
 * {@link MAX_PUSH_BODY_STRINGS}: parsing a million short keys takes a large part of an isolate's
 * memory (docs/protocol.md, "Bounds"), counting their quotes does not. Returns the text unchanged.
 *
 * @throws HttpError PAYLOAD_TOO_LARGE when the body holds more strings than a push within the key cap.
 */
export function refuseTooManyKeys(text: string): string {
  let quotes = 0;
  for (let at = text.indexOf('"'); at !== -1; at = text.indexOf('"', at + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) quotes += 1;
    // Every string has two unescaped quotes: past the limit's worth there is no need to count on.
    if (quotes > 2 * MAX_PUSH_BODY_STRINGS) throw tooManyKeys();
  }
  return text;
}

const tooManyKeys = (): HttpError =>
  new HttpError(
    'PAYLOAD_TOO_LARGE',
    `This data is too large to sync: more than ${MAX_SNAPSHOT_KEYS} keys, the most the sync server keeps.`,
  );

/**
 * Refuses data the Worker must not store: more than {@link MAX_SNAPSHOT_KEYS} keys, or canonical
 * JSON over `maxStoredBytes` (DESIGN §11). Checked before anything is written.
 *
 * @throws HttpError PAYLOAD_TOO_LARGE, with the words the SDK shows too.
 */
export function assertStorable(data: Snapshot, canonical: string, maxStoredBytes: number): void {
  const problem = storedSizeProblem(Object.keys(data).length, utf8ByteLength(canonical), maxStoredBytes);
  if (problem !== null) throw new HttpError('PAYLOAD_TOO_LARGE', problem);
}
