import {
  API_PREFIX,
  isErrorCode,
  isVersionNumber,
  parseHistoryResponse,
  parseMetaResponse,
  parsePullResponse,
  parsePushResponse,
  type ConflictBody,
  type ErrorCode,
  type HistoryResponse,
  type MetaResponse,
  type Parsed,
  type PullResponse,
  type PushRequest,
  type PushResponse,
} from './contract/index.js';
import {
  AuthError,
  BadResponseError,
  ConflictError,
  ForbiddenError,
  NetworkError,
  PayloadTooLargeError,
  RequestError,
  ServerError,
} from './errors.js';

/**
 * The port to the sync server: one method an endpoint, each resolving with the validated body or
 * rejecting with a typed error (`ConflictError`, `AuthError`, `ForbiddenError`, `ServerError`,
 * `RequestError`, `NetworkError`, `BadResponseError`).
 */
export interface SyncTransport {
  /** `GET .../meta`: what the server holds, without the data. */
  meta(token: string): Promise<MetaResponse>;
  /** `GET .../pull`: the current version's data. Rejects with a `RequestError` `NOT_FOUND` when nothing is stored. */
  pull(token: string): Promise<PullResponse>;
  /** `POST .../push`. `keepalive` lets the request outlive the page (bodies up to 64 KiB). */
  push(body: PushRequest, token: string, options?: { keepalive?: boolean }): Promise<PushResponse>;
  /** `GET .../history/{version}`: one kept version's data. */
  history(version: number, token: string): Promise<HistoryResponse>;
  /** `DELETE /api/sync/{app}`: removes everything stored for this user and app. */
  delete(token: string): Promise<void>;
}

/** Where and how {@link fetchTransport} sends requests. */
export interface FetchTransportOptions {
  /** The Worker's origin (and path prefix, if any), e.g. `https://sync.example.com`. */
  endpoint: string;
  app: string;
  /** The fetch to use; `globalThis.fetch` by default. */
  fetch?: typeof fetch;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isNullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** `Retry-After` as milliseconds from now (delta-seconds or an HTTP date), or null. */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

function parseConflictBody(body: Record<string, unknown>): ConflictBody | null {
  const { localVersion, serverVersion, serverModified, serverDeviceId } = body;
  if (isVersionNumber(localVersion) && isVersionNumber(serverVersion) && isNullableString(serverModified) && isNullableString(serverDeviceId)) {
    return { error: String(body.error), code: 'CONFLICT', localVersion, serverVersion, serverModified, serverDeviceId };
  }
  return null;
}

function errorFor(response: Response, body: unknown): Error {
  const { status } = response;
  const fields = isObject(body) ? body : {};
  const message = typeof fields.error === 'string' ? fields.error : `HTTP ${status}`;
  const code: ErrorCode = isErrorCode(fields.code) ? fields.code : status === 429 ? 'RATE_LIMITED' : status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  if (status === 401) return new AuthError(message);
  if (status === 403) return new ForbiddenError(message);
  if (status === 409) {
    const conflict = parseConflictBody(fields);
    return conflict ? new ConflictError(conflict) : new BadResponseError('Malformed conflict response');
  }
  if (status === 413) return new PayloadTooLargeError(message);
  if (status === 429 || status >= 500) {
    return new ServerError(code, message, status, parseRetryAfterMs(response.headers.get('Retry-After'), Date.now()));
  }
  return new RequestError(code, message, status);
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

  async function request<T>(path: string, token: string, parse: (body: unknown) => Parsed<T>, init: RequestInit = {}): Promise<T> {
    const doFetch = options.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(base + path, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      });
    } catch (error) {
      throw new NetworkError(`Could not reach the sync server: ${String(error)}`);
    }
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      if (response.ok) throw new BadResponseError(`The sync server answered ${response.status} without JSON`);
    }
    if (!response.ok) throw errorFor(response, body);
    const parsed = parse(body);
    if (!parsed.ok) throw new BadResponseError(parsed.error);
    return parsed.value;
  }

  return {
    meta: (token) => request('/meta', token, parseMetaResponse),
    pull: (token) => request('/pull', token, parsePullResponse),
    history: (version, token) => request(`/history/${version}`, token, parseHistoryResponse),
    push: (body, token, { keepalive = false } = {}) =>
      request('/push', token, parsePushResponse, { method: 'POST', body: JSON.stringify(body), keepalive }),
    delete: async (token) => {
      await request('', token, (body): Parsed<true> => (isObject(body) && body.success === true ? { ok: true, value: true } : { ok: false, error: 'Malformed delete response' }), {
        method: 'DELETE',
      });
    },
  };
}
