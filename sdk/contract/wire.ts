import { isChecksum } from './checksum.js';
import { isValidDeviceId } from './names.js';
import type { PatchPullResponse, PullAnswer } from './pull-patch.js';
import type { PushPatch } from './push-patch.js';
import { isSnapshot, type Snapshot } from './snapshot.js';

/** A device name (push `deviceName`, version records) is at most this many characters (UTF-16 code units). */
export const DEVICE_NAME_MAX_LENGTH = 64;

/** Path prefix of every sync endpoint: `/api/sync/{app}/...`. */
export const API_PREFIX = '/api/sync';

/** The record of one stored version; also R2 customMetadata on every object. */
export interface VersionRecord {
  /** The version number, from 1. */
  version: number;
  /** Checksum of the version's data. */
  checksum: string;
  /** Device that pushed it. */
  deviceId: string;
  /** The server's commit time, ISO 8601. */
  lastModified: string;
  /** UTF-8 bytes of the data's canonical JSON. */
  size: number;
  /** The pushing device's human name (e.g. "Chrome on Android"), at most 64 characters, when it sent one. */
  deviceName?: string;
}

/**
 * The wire format's version (DESIGN §8). 1: every push carries the full `data`. 2: a push may
 * carry a `patch` against its base version instead, every push may carry `baseChecksum`, and
 * request bodies may be gzip-compressed (`Content-Encoding: gzip`). 3 (DESIGN §9): a pull may name
 * the version the device holds (`?since=N`) and may then be answered with the changes since it
 * ({@link PatchPullResponse}). 4 (DESIGN §10): version numbers never restart; a DELETE commits a
 * tombstone ({@link DeletedRecord}, in meta's `deleted` and in pull's 404), and the next push
 * builds on its version. Each Worker answers older clients unchanged, except that a push at version
 * 0 over a tombstone conflicts; an older Worker ignores `since` and answers the full data.
 */
export const WIRE_VERSION = 4;

/** Fields of every `POST /api/sync/{app}/push` body, full or patch. */
export interface PushFields {
  /** The server version this client last synced (0 if never): the compare-and-swap version. */
  version: number;
  /** Checksum of the data the push stores (`checksum(data)`, or of the patched base). */
  checksum: string;
  /**
   * Checksum of the data at `version` as this client synced it. When present the push commits only
   * if the server's current version has this checksum too (else 409 CONFLICT): after a DELETE,
   * version numbers start again and a number alone no longer names the same data.
   */
  baseChecksum?: string;
  /** The pushing device (`^[A-Za-z0-9_-]{1,64}$`), reported to other devices in conflicts. */
  deviceId: string;
  /** The client's ISO time of the snapshot (informational). */
  timestamp: string;
  /** The device's human name, at most {@link DEVICE_NAME_MAX_LENGTH} characters; kept in the version record. */
  deviceName?: string;
}

/** A push of the whole snapshot (wire versions 1 and 2). */
export interface FullPushRequest extends PushFields {
  /** The snapshot to store. */
  data: Snapshot;
}

/**
 * A push of only what changed against `version` (wire version 2): the Worker applies `patch` to
 * that version's stored data and stores the result, whose checksum must be `checksum`. A base it
 * does not hold, or a result with another checksum, is 422 `PATCH_REJECTED`: send the full data.
 */
export interface PatchPushRequest extends PushFields {
  /** The keys set and removed against the data of `version`. */
  patch: PushPatch;
  /** Required here: the checksum of the data the patch applies to. */
  baseChecksum: string;
}

/** `POST /api/sync/{app}/push` request body: the full snapshot or a patch against the base version. */
export type PushRequest = FullPushRequest | PatchPushRequest;

/** `POST /api/sync/{app}/push` success body. */
export interface PushResponse {
  /** Marks a success body; errors are {@link ErrorBody}. */
  success: true;
  /** The version now stored. */
  version: number;
  /** Checksum of the stored data (the pushed one). */
  checksum: string;
  /** The server's commit time (= `meta.lastModified`). */
  timestamp: string;
}

/** `GET /api/sync/{app}/pull` success body. */
export interface PullResponse {
  /** Marks a success body; errors are {@link ErrorBody}. */
  success: true;
  /** The current version's snapshot. */
  data: Snapshot;
  /** The current version's record. */
  meta: VersionRecord;
  /** Kept versions, ascending, at most 5, the current one included. */
  availableVersions: number[];
  /** The kept versions' records, ascending (the same versions as `availableVersions`), for a history view. */
  versions: VersionRecord[];
}

/**
 * A tombstone (DESIGN §10): the data was deleted by `DELETE /api/sync/{app}`, which committed this
 * version with no data. Version numbers never restart: the next push commits `version + 1`, and a
 * device that knows of the deletion pushes with `version` as its compare-and-swap version.
 */
export interface DeletedRecord {
  /** The tombstone's version: one above the last version that held data. */
  version: number;
  /** When the data was deleted (the server's commit time), ISO 8601. */
  deletedAt: string;
}

/**
 * `GET /api/sync/{app}/meta` success body: the current record without the data, and the kept
 * versions as in {@link PullResponse} (`availableVersions`, and their records in `versions`).
 * When nothing is stored because the data was deleted, `deleted` says when, at which version.
 */
export type MetaResponse =
  | { success: true; exists: true; meta: VersionRecord; availableVersions: number[]; versions: VersionRecord[] }
  | { success: true; exists: false; meta: null; availableVersions: []; versions: []; deleted?: DeletedRecord };

/** `GET /api/sync/{app}/history/{version}` success body. */
export interface HistoryResponse {
  /** Marks a success body; errors are {@link ErrorBody}. */
  success: true;
  /** That version's snapshot. */
  data: Snapshot;
  /** That version's record. */
  meta: VersionRecord;
}

/** `DELETE /api/sync/{app}` success body. */
export interface DeleteResponse {
  /** Marks a success body; errors are {@link ErrorBody}. */
  success: true;
  /** Whether anything was stored before. */
  deleted: boolean;
  /** The tombstone's version (DESIGN §10), the one the next push builds on; 0 when nothing was ever stored. */
  version: number;
}

/** The outcome of validating an untrusted value. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when `v` is an integer in 0..2^53-1. */
export function isVersionNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** True for an ISO 8601 date-time with a time zone (`Date.prototype.toISOString()` gives one) that is a real date. */
function isIsoDateTime(v: unknown): v is string {
  return typeof v === 'string' && ISO_DATE_TIME.test(v) && !Number.isNaN(Date.parse(v));
}

/**
 * Validates a push body, full (`data`) or patch (`patch` and `baseChecksum`; exactly one of `data`
 * and `patch`). Checksums are only checked for type here; whether `checksum` matches the data is the
 * caller's check (a mismatch is `CHECKSUM_MISMATCH` or `PATCH_REJECTED`, not `BAD_REQUEST`).
 */
export function parsePushRequest(body: unknown): Parsed<PushRequest> {
  if (!isObject(body)) return { ok: false, error: 'Body must be a JSON object' };
  const { data, patch, version, checksum, baseChecksum, deviceId, timestamp, deviceName } = body;
  if ((data === undefined) === (patch === undefined))
    return { ok: false, error: 'Exactly one of `data` and `patch` is required' };
  if (data !== undefined && !isSnapshot(data))
    return { ok: false, error: '`data` must be an object whose values are all strings' };
  if (patch !== undefined && !isPushPatch(patch))
    return {
      ok: false,
      error: '`patch` must be { set: an object of strings, remove: an array of distinct keys not in set }',
    };
  if (!isVersionNumber(version)) return { ok: false, error: '`version` must be a non-negative integer' };
  if (typeof checksum !== 'string') return { ok: false, error: '`checksum` must be a string' };
  if (baseChecksum !== undefined && !isChecksum(baseChecksum))
    return { ok: false, error: '`baseChecksum` must be 64 lowercase hex digits' };
  if (patch !== undefined && baseChecksum === undefined)
    return { ok: false, error: 'A `patch` needs its `baseChecksum`' };
  if (!isValidDeviceId(deviceId)) return { ok: false, error: '`deviceId` must match ^[A-Za-z0-9_-]{1,64}$' };
  if (!isIsoDateTime(timestamp))
    return {
      ok: false,
      error: '`timestamp` must be an ISO 8601 date-time with a time zone, e.g. 2026-11-25T10:00:00.000Z',
    };
  if (deviceName !== undefined && !isDeviceName(deviceName))
    return { ok: false, error: `\`deviceName\` must be a string of 1 to ${DEVICE_NAME_MAX_LENGTH} characters` };
  const fields: PushFields = {
    version,
    checksum,
    deviceId,
    timestamp,
    ...(baseChecksum === undefined ? {} : { baseChecksum }),
    ...(deviceName === undefined ? {} : { deviceName }),
  };
  return {
    ok: true,
    value:
      patch === undefined
        ? { ...fields, data: data as Snapshot }
        : { ...fields, patch: patch as PushPatch, baseChecksum: baseChecksum as string },
  };
}

/** True for a well-formed {@link PushPatch}: `set` a flat object of strings, `remove` distinct strings none of which `set` holds. */
export function isPushPatch(v: unknown): v is PushPatch {
  if (!isObject(v) || !isSnapshot(v.set) || !Array.isArray(v.remove)) return false;
  const { set, remove } = v;
  return (
    remove.every((key) => typeof key === 'string' && !Object.hasOwn(set, key)) && new Set(remove).size === remove.length
  );
}

/** True when a push carries a patch rather than the full data. */
export const isPatchPush = (push: PushRequest): push is PatchPushRequest => 'patch' in push;

/** True for a device name: a string of 1 to {@link DEVICE_NAME_MAX_LENGTH} characters. */
export function isDeviceName(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= DEVICE_NAME_MAX_LENGTH;
}

/** True when `v` is a well-formed {@link VersionRecord}. */
export function isVersionRecord(v: unknown): v is VersionRecord {
  return (
    isObject(v) &&
    isVersionNumber(v.version) &&
    v.version > 0 &&
    isChecksum(v.checksum) &&
    isValidDeviceId(v.deviceId) &&
    typeof v.lastModified === 'string' &&
    isVersionNumber(v.size) &&
    (v.deviceName === undefined || isDeviceName(v.deviceName))
  );
}

const isVersionList = (v: unknown): v is number[] => Array.isArray(v) && v.every(isVersionNumber);
const isRecordList = (v: unknown): v is VersionRecord[] => Array.isArray(v) && v.every(isVersionRecord);

/** `versions` checked and defaulted: a server older than the records answers without them. */
function withVersions<T extends Record<string, unknown>>(body: T): (T & { versions: VersionRecord[] }) | null {
  if (body.versions === undefined) return { ...body, versions: [] };
  return isRecordList(body.versions) ? (body as T & { versions: VersionRecord[] }) : null;
}

/** Validates a push success body (client side). */
export function parsePushResponse(body: unknown): Parsed<PushResponse> {
  if (
    isObject(body) &&
    body.success === true &&
    isVersionNumber(body.version) &&
    isChecksum(body.checksum) &&
    typeof body.timestamp === 'string'
  ) {
    return { ok: true, value: body as unknown as PushResponse };
  }
  return { ok: false, error: 'Malformed push response' };
}

/** Validates a pull success body (client side). */
export function parsePullResponse(body: unknown): Parsed<PullResponse> {
  const checked =
    isObject(body) &&
    body.success === true &&
    isSnapshot(body.data) &&
    isVersionRecord(body.meta) &&
    isVersionList(body.availableVersions)
      ? withVersions(body)
      : null;
  return checked
    ? { ok: true, value: checked as unknown as PullResponse }
    : { ok: false, error: 'Malformed pull response' };
}

/** Validates a pull answer, full or (to a pull with `since`) patch, {@link PatchPullResponse} (client side). */
export function parsePullAnswer(body: unknown): Parsed<PullAnswer> {
  if (!isObject(body) || body.patch === undefined) return parsePullResponse(body);
  const checked =
    body.success === true &&
    isPushPatch(body.patch) &&
    isVersionNumber(body.baseVersion) &&
    isChecksum(body.baseChecksum) &&
    isVersionRecord(body.meta) &&
    isVersionList(body.availableVersions)
      ? withVersions(body)
      : null;
  return checked
    ? { ok: true, value: checked as unknown as PatchPullResponse }
    : { ok: false, error: 'Malformed pull response' };
}

/** Validates a history success body (client side). */
export function parseHistoryResponse(body: unknown): Parsed<HistoryResponse> {
  if (isObject(body) && body.success === true && isSnapshot(body.data) && isVersionRecord(body.meta)) {
    return { ok: true, value: body as unknown as HistoryResponse };
  }
  return { ok: false, error: 'Malformed history response' };
}

/** True for a well-formed {@link DeletedRecord}. */
export const isDeletedRecord = (v: unknown): v is DeletedRecord =>
  isObject(v) && isVersionNumber(v.version) && v.version > 0 && typeof v.deletedAt === 'string';

/** Validates a meta success body (client side). */
export function parseMetaResponse(body: unknown): Parsed<MetaResponse> {
  const checked =
    isObject(body) && body.success === true && isVersionList(body.availableVersions) ? withVersions(body) : null;
  if (
    checked &&
    ((checked.exists === true && isVersionRecord(checked.meta)) ||
      (checked.exists === false &&
        checked.meta === null &&
        (checked.deleted === undefined || isDeletedRecord(checked.deleted))))
  ) {
    return { ok: true, value: checked as unknown as MetaResponse };
  }
  return { ok: false, error: 'Malformed meta response' };
}
