import type { EncodedPush } from '../core/ports.js';
import { canonicalJson, utf8ByteLength, type PushRequest } from '../contract/index.js';

/** Bodies below this many bytes go uncompressed: gzip's header and the CPU cost do not pay for themselves. */
export const GZIP_MIN_BYTES = 1024;
/** gzip is kept only when it shrinks the body to at most this share of its size. */
const GZIP_MAX_RATIO = 0.9;

/**
 * The JSON text of a push body. A full push's data is spliced in as its canonical JSON, the text
 * its checksum hashes, so the data is serialised the way the Worker stores it.
 */
export function pushRequestJson(request: PushRequest): string {
  if (!('data' in request)) return JSON.stringify(request);
  const { data, ...fields } = request;
  return `{"data":${canonicalJson(data)},${JSON.stringify(fields).slice(1)}`;
}

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Serialises a push body and gzip-compresses it where that pays (DESIGN §8): a body of at least
 * {@link GZIP_MIN_BYTES}, where the platform has `CompressionStream`, that shrinks by 10 % or more.
 * Done ahead of sending, so a closing page only sends the bytes.
 */
export async function encodePush(request: PushRequest): Promise<EncodedPush> {
  const text = pushRequestJson(request);
  const bytes = utf8ByteLength(text);
  if (bytes >= GZIP_MIN_BYTES && typeof CompressionStream === 'function') {
    const compressed = await gzip(text);
    if (compressed.byteLength <= bytes * GZIP_MAX_RATIO)
      return { request, body: compressed, gzip: true, bytes: compressed.byteLength };
  }
  return { request, body: text, gzip: false, bytes };
}
