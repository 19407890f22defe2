import type { ConflictBody, ErrorCode } from './contract/index.js';
import type { SyncErrorInfo } from './sync-state.js';

/** Every code a {@link SyncError} carries: the server's codes plus `NETWORK`, `AUTH` and `LOCAL`. */
export type SyncErrorCode = SyncErrorInfo['code'];

/**
 * Base class of every error the SDK throws or reports. `code` is stable and machine-readable;
 * `message` is for a person.
 */
export class SyncError extends Error {
  /** @param code - the stable code, as in {@link SyncErrorInfo.code}. */
  constructor(
    readonly code: SyncErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request never got an answer (offline, DNS, CORS, aborted). Retried with backoff. */
export class NetworkError extends SyncError {
  constructor(message: string) {
    super('NETWORK', message);
  }
}

/** The token was refused (401) even after `getToken({ forceRefresh: true })`, or `getToken` failed. */
export class AuthError extends SyncError {
  constructor(message: string) {
    super('AUTH', message);
  }
}

/** The server refused this app for this user (403): no subscription allows it. */
export class ForbiddenError extends SyncError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

/** A push was refused (409) because the server's version differs; `conflict` is the server's answer. */
export class ConflictError extends SyncError {
  constructor(readonly conflict: ConflictBody) {
    super('CONFLICT', conflict.error);
  }
}

/**
 * A transient server failure (5xx or 429), retried with backoff. `retryAfterMs` is the server's
 * `Retry-After`, when it sent one.
 */
export class ServerError extends SyncError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly status: number,
    readonly retryAfterMs: number | null,
  ) {
    super(code, message);
  }
}

/** A 4xx other than 401/403/409 (bad request, not found...): retrying will not help. */
export class RequestError extends SyncError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly status: number,
  ) {
    super(code, message);
  }
}

/** The snapshot is larger than the server accepts (413). */
export class PayloadTooLargeError extends RequestError {
  constructor(message: string) {
    super('PAYLOAD_TOO_LARGE', message, 413);
  }
}

/** The server (or something in between) answered with a body that is not the contract's shape. */
export class BadResponseError extends SyncError {
  constructor(message: string) {
    super('INTERNAL', message);
  }
}

/** Writing a snapshot to the local store failed; every key was rolled back to its old value. */
export class ApplyError extends SyncError {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super('LOCAL', message);
  }
}

/** The local store is full (QuotaExceededError); every key was rolled back to its old value. */
export class StorageQuotaError extends ApplyError {}

/** True for failures worth retrying with backoff: network errors, 5xx, 429 and malformed answers. */
export function isRetryable(error: unknown): error is NetworkError | ServerError | BadResponseError {
  return error instanceof NetworkError || error instanceof ServerError || error instanceof BadResponseError;
}
