import { ERROR_STATUS, type ErrorCode } from '../../sdk/contract/index.js';

/** Seconds a client should wait before retrying a 503 (R2 failed or rate-limited us). */
export const RETRY_AFTER_SECONDS = 1;

/** Extra fields of an error body beyond `{ error, code }` (the CONFLICT details, a tombstone's `deleted`). */
export type ErrorDetails = Record<string, string | number | boolean | null | Record<string, string | number>>;

/**
 * An error that becomes one JSON error response. Throw it anywhere below a route handler; the
 * router's catch turns it into `{ error, code, ...details }` with the status of `code`.
 */
export class HttpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * Builds the one error shape of the Worker: `{ error, code, ...details }` with the status
 * {@link ERROR_STATUS} gives the code.
 *
 * @example
 * errorResponse('NOT_FOUND', 'No data stored') // 404 {"error":"No data stored","code":"NOT_FOUND"}
 */
export function errorResponse(
  code: ErrorCode,
  message: string,
  details: ErrorDetails = {},
  headers: Record<string, string> = {},
): Response {
  return Response.json({ error: message, code, ...details }, { status: ERROR_STATUS[code], headers });
}

/** The response for any thrown value: its own for an {@link HttpError}, else a logged 500. */
export function responseForError(error: unknown): Response {
  if (error instanceof HttpError) return errorResponse(error.code, error.message, error.details, error.headers);
  console.error('Unexpected error', error);
  return errorResponse('INTERNAL', 'Internal error');
}

/** A 503 for a failed storage call, with `Retry-After` so the client's backoff retries it. */
export function unavailableError(message = 'Storage unavailable, retry shortly'): HttpError {
  return new HttpError('UNAVAILABLE', message, {}, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
}
