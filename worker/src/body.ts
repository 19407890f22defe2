import { HttpError } from './http-error.js';

const tooLarge = (maxBytes: number): HttpError =>
  new HttpError('PAYLOAD_TOO_LARGE', `Body is larger than ${maxBytes} bytes`);

/**
 * Reads a request body as UTF-8 text, refusing more than `maxBytes`: first by `Content-Length`
 * (before reading anything), then by counting bytes as they stream in, for chunked bodies or a
 * `Content-Length` that lies.
 *
 * @throws HttpError PAYLOAD_TOO_LARGE over the limit; BAD_REQUEST when the body is not UTF-8.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get('Content-Length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (request.body === null) return '';

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await readChunk(reader);
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      // Stop the upload instead of buffering the rest of it.
      await reader.cancel();
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
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new HttpError('BAD_REQUEST', 'Body is not valid UTF-8');
  }
}

/**
 * The next chunk of a request body. A read fails when the upload broke off before its end (the
 * client closed the connection before its announced `Content-Length` arrived): the client's
 * fault, not the server's, so it is a 400 and not logged as unexpected.
 */
async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch {
    throw new HttpError('BAD_REQUEST', 'The request body ended before it was complete (the upload was cut off)');
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
