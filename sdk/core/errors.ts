import type { ConflictBody } from '../contract/index.js';
import type { SyncErrorInfo } from './sync-state.js';

/** Every code a {@link SyncError} carries: the server's codes plus `NETWORK`, `AUTH` and `LOCAL`. */
export type SyncErrorCode = SyncErrorInfo['code'];

/**
 * Base class of every error the SDK throws or reports. `code` is stable and machine-readable,
 * `message` is for a person, `status` is the HTTP status (0 when there was no answer).
 */
export class SyncError extends Error {
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    readonly status = 0,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request never got an answer (offline, DNS, CORS, timed out): code `NETWORK`, retried with backoff. */
export class NetworkError extends SyncError {}

/** `getToken` threw (the identity provider is unreachable, say): code `AUTH`, retried with backoff. A null token is not an error: it means signed out. */
export class TokenError extends SyncError {}

/** The manager was stopped (`stop()` or `forget()`) while the operation ran: code `LOCAL`; nothing more was written. */
export class StoppedError extends SyncError {}

/** The token was refused (401) even after `getToken({ forceRefresh: true })`: code `AUTH`, not retried. A throwing `getToken` is a {@link TokenError}. */
export class AuthError extends SyncError {}

/** The server refused this app for this user (403, `FORBIDDEN`): no subscription allows it. */
export class ForbiddenError extends SyncError {}

/** A push was refused (409) because the server's version differs; `conflict` is the server's answer. */
export class ConflictError extends SyncError {
  constructor(readonly conflict: ConflictBody) {
    super('CONFLICT', conflict.error, 409);
  }
}

/**
 * A transient server failure (5xx or 429), retried with backoff. `retryAfterMs` is the server's
 * `Retry-After`, when it sent one.
 */
export class ServerError extends SyncError {
  constructor(
    code: SyncErrorCode,
    message: string,
    status: number,
    readonly retryAfterMs: number | null,
  ) {
    super(code, message, status);
  }
}

/** A 4xx other than 401/403/409 (bad request, not found...): retrying will not help. */
export class RequestError extends SyncError {}

/** The snapshot is larger than the server accepts (413, `PAYLOAD_TOO_LARGE`). */
export class PayloadTooLargeError extends RequestError {}

/** The server (or something in between) answered with a body that is not the contract's shape. Retried. */
export class BadResponseError extends SyncError {}

/** Writing a snapshot to the local store failed (code `LOCAL`); every key was rolled back to its old value. */
export class ApplyError extends SyncError {}

/** The local store is full (QuotaExceededError); every key was rolled back to its old value. */
export class StorageQuotaError extends ApplyError {}

/** True for failures worth retrying with backoff: network errors and timeouts, 5xx, 429, malformed answers, a failing `getToken`. */
export const isRetryable = (error: unknown): error is NetworkError | ServerError | BadResponseError | TokenError =>
  error instanceof NetworkError ||
  error instanceof ServerError ||
  error instanceof BadResponseError ||
  error instanceof TokenError;
