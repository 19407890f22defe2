import { HttpError } from './http-error.js';

const tooLarge = (maxBytes: number): HttpError =>
  new HttpError('PAYLOAD_TOO_LARGE', `Body is larger than ${maxBytes} bytes`);

/**
 * Reads a request body as UTF-8 text, refusing more than `maxBytes`: first by `Content-Length`
 * (before reading anything), then by counting bytes as they stream in, for chunked bodies or a
 * `Content-Length` that lies. A `Content-Encoding: gzip` body is inflated as a stream
 * (`DecompressionStream`) and the limit applies to the inflated bytes too, so a small body that
 * inflates to gigabytes stops at `maxBytes` with memory bounded (DESIGN §8).
 *
 * @throws HttpError PAYLOAD_TOO_LARGE over the limit; BAD_REQUEST when the body is not UTF-8, is
 * not the gzip it claims to be, or has another content encoding.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get('Content-Length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (request.body === null) return '';
  const encoding = (request.headers.get('Content-Encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip')
    throw new HttpError('BAD_REQUEST', `Content-Encoding ${encoding} is not supported (gzip is)`);
  const gzip = encoding === 'gzip';
  const stream = gzip ? request.body.pipeThrough(new DecompressionStream('gzip')) : request.body;
  const bytes = await readAtMost(stream.getReader(), maxBytes, gzip);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new HttpError('BAD_REQUEST', 'Body is not valid UTF-8');
  }
}

/** Reads a stream to its end into one buffer, cancelling it (and the upload) once it passes `maxBytes`. */
async function readAtMost(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  maxBytes: number,
  gzip: boolean,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await readChunk(reader, gzip);
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      // Stop the upload (and the inflating) instead of buffering the rest of it.
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * The next chunk of a request body. A read fails when the upload broke off before its end (the
 * client closed the connection before its announced `Content-Length` arrived): the client's
 * fault, not the server's, so it is a 400 and not logged as unexpected. So is a gzip body that
 * does not inflate.
 */
async function readChunk(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  gzip: boolean,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch {
    throw new HttpError(
      'BAD_REQUEST',
      gzip
        ? 'The body is not valid gzip, or it was cut off'
        : 'The request body ended before it was complete (the upload was cut off)',
    );
  }
}

/**
 * Parses JSON text.
 *
 * @throws HttpError BAD_REQUEST when it is not JSON.
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError('BAD_REQUEST', 'Body is not valid JSON');
  }
}
