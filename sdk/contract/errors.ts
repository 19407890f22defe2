/** HTTP status of each error code the Worker answers with. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  CHECKSUM_MISMATCH: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PATCH_REJECTED: 422,
  PAYLOAD_TOO_LARGE: 413,
  UPGRADE_REQUIRED: 426,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  LIVE_DISABLED: 501,
  UNAVAILABLE: 503,
} as const;

/** A stable, machine-readable error code. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The body of every error response. */
export interface ErrorBody {
  /** A message for a person. */
  error: string;
  /** What went wrong, for code to branch on; see {@link ERROR_STATUS} for its HTTP status. */
  code: ErrorCode;
}

/** The body of a 409: what the server holds, so the client can offer a choice. */
export interface ConflictBody extends ErrorBody {
  /** A 409 carries no other code. */
  code: 'CONFLICT';
  /** The version the client pushed against. */
  localVersion: number;
  /** The server's current version (0 when nothing is stored). */
  serverVersion: number;
  /** When the server's version was committed, or null when nothing is stored. */
  serverModified: string | null;
  /** Which device pushed the server's version, or null when nothing is stored. */
  serverDeviceId: string | null;
  /** Present when the server's version is a tombstone (DESIGN §10): the data was deleted at `serverVersion`, at `serverModified`. */
  serverDeleted?: true;
}

/** True when `code` is one of {@link ERROR_STATUS}'s codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code);
}
