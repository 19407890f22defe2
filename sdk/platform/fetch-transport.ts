import type { SyncTransport } from '../core/ports.js';
import {
  API_PREFIX,
  isErrorCode,
  isVersionNumber,
  parseHistoryResponse,
  parseMetaResponse,
  parsePullAnswer,
  parsePullResponse,
  parsePushResponse,
  type HistoryResponse,
  type MetaResponse,
  type Parsed,
  type PushResponse,
} from '../contract/index.js';
import {
  AuthError,
  BadResponseError,
  ConflictError,
  ForbiddenError,
  NetworkError,
  PayloadTooLargeError,
  RequestError,
  ServerError,
} from '../core/errors.js';
import { encodePush } from './push-encoding.js';

/** Where and how {@link fetchTransport} sends requests. */
export interface FetchTransportOptions {
  /** The Worker's origin (and path prefix, if any), e.g. `https://sync.example.com`. */
  endpoint: string;
  /** The app's name, the `{app}` of every path. */
  app: string;
  /** The fetch to use; `globalThis.fetch` by default. */
  fetch?: typeof fetch;
}

type Fields = Record<string, unknown>;

/** `Retry-After` as milliseconds from `nowMs` (delta-seconds or an HTTP date), or null. */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | null {
  if (!header) return null;
  const ms = /^\s*\d+\s*$/.test(header) ? Number(header) * 1000 : Date.parse(header) - nowMs;
  return Number.isNaN(ms) ? null : Math.max(0, ms);
}

function errorFor(response: Response, fields: Fields): Error {
  const { status } = response;
  const message = String(fields.error ?? `HTTP ${status}`);
  const code = isErrorCode(fields.code) ? fields.code : 'INTERNAL';
  const { localVersion, serverVersion, serverModified = null, serverDeviceId = null } = fields;
  if (status === 401) return new AuthError('AUTH', message, status);
  if (status === 403) return new ForbiddenError('FORBIDDEN', message, status);
  if (status === 409) {
    return isVersionNumber(localVersion) && isVersionNumber(serverVersion)
      ? new ConflictError({
          error: message,
          code: 'CONFLICT',
          localVersion,
          serverVersion,
          serverModified: serverModified as string | null,
          serverDeviceId: serverDeviceId as string | null,
        })
      : new BadResponseError('INTERNAL', 'Malformed conflict response', status);
  }
  if (status === 413) return new PayloadTooLargeError('PAYLOAD_TOO_LARGE', message, status);
  if (status === 429 || status >= 500) {
    return new ServerError(
      status === 429 ? 'RATE_LIMITED' : code,
      message,
      status,
      parseRetryAfterMs(response.headers.get('Retry-After'), Date.now()),
    );
  }
  // Every 4xx of the Worker carries `{ error, code }`; one without it comes from something else
  // (an `endpoint` that points at a web server, a proxy's error page), which a person must fix.
  return code === 'INTERNAL' ? new BadResponseError(code, message, status) : new RequestError(code, message, status);
}

/**
 * The standard {@link SyncTransport}: the Worker's HTTP API over `fetch`, with
 * `Authorization: Bearer <token>`. Every body is validated with the contract's parsers.
 *
 * @example
 * const transport = fetchTransport({ endpoint: 'https://sync.example.com', app: 'tenure' });
 * const meta = await transport.meta(token);
 */
export function fetchTransport(options: FetchTransportOptions): SyncTransport {
  const base = `${options.endpoint.replace(/\/+$/, '')}${API_PREFIX}/${options.app}`;

  async function request<T>(
    path: string,
    token: string,
    parse: (body: unknown) => Parsed<T>,
    init: RequestInit = {},
    gzip = false,
  ): Promise<T> {
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(base + path, {
        ...init,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(gzip && { 'content-encoding': 'gzip' }),
        },
      });
    } catch (error) {
      throw new NetworkError('NETWORK', String(error));
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) throw errorFor(response, typeof body === 'object' && body ? (body as Fields) : {});
    const parsed = parse(body);
    if (!parsed.ok) throw new BadResponseError('INTERNAL', parsed.error, response.status);
    return parsed.value;
  }

  return {
    meta: (token, init) => request('/meta', token, parseMetaResponse, init),
    pull: (token, { since, ...init } = {}) =>
      since === undefined
        ? request('/pull', token, parsePullResponse, init)
        : request(`/pull?since=${since}`, token, parsePullAnswer, init),
    history: (version, token, init) => request(`/history/${version}`, token, parseHistoryResponse, init),
    encodePush,
    push: async (body, token, init) => {
      // Synchronous up to fetch when the body comes encoded: a page that is hiding sends it at once.
      const encoded = 'request' in body ? body : await encodePush(body);
      return request(
        '/push',
        token,
        parsePushResponse,
        { ...init, method: 'POST', body: encoded.body as BodyInit },
        encoded.gzip,
      );
    },
    delete: (token, init) =>
      request('', token, (body) => ({ ok: true, value: body }), { ...init, method: 'DELETE' }).then(() => {}),
  };
}

export type { SyncTransport };
