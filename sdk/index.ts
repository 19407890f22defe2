/**
 * taco-sync: local-first, single-player multi-device sync for web apps.
 *
 * @example
 * import { createSync, keyPrefixAdapter } from 'taco-sync';
 * const sync = createSync({ app: 'tenure', endpoint, getToken, adapter: keyPrefixAdapter({ prefixes: ['tenure_'] }) });
 * sync.subscribe(render);
 * await sync.start();
 *
 * @packageDocumentation
 */
export { createSync, DEBOUNCE_MS, REQUEST_TIMEOUT_MS, RETURN_CHECK_MS, type CreateSyncOptions } from './create-sync.js';
export { deviceNameFromUserAgent } from './platform/device-name.js';
export { keyPrefixAdapter, type KeyPrefixOptions } from './adapters/key-prefix.js';
export type { StorageAdapter } from './adapters/storage-adapter.js';
export { canUseSync, checksum, canonicalJson, emptySnapshot, snapshotFromEntries } from './contract/index.js';
export type { Snapshot, SnapshotDiff, SyncAccess, ErrorCode, ConflictBody } from './contract/index.js';
export {
  SyncError,
  NetworkError,
  TokenError,
  StoppedError,
  AuthError,
  ForbiddenError,
  ConflictError,
  ServerError,
  RequestError,
  PayloadTooLargeError,
  BadResponseError,
  ApplyError,
  StorageQuotaError,
  type SyncErrorCode,
} from './core/errors.js';
export { fetchTransport, type SyncTransport, type FetchTransportOptions } from './platform/fetch-transport.js';
export { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelayMs } from './core/backoff.js';
export {
  memorySyncRecordStore,
  type SyncRecord,
  type SyncRecordStore,
  type Replacement,
  type SentPush,
} from './core/sync-record-store.js';
export { idbSyncRecordStore } from './platform/idb-record-store.js';
export { KEEPALIVE_MAX_BYTES, type GetToken } from './core/sync-engine.js';
export type { EncodedPush, LiveUpdates, Platform, PlatformEvent, PullOptions, RequestOptions } from './core/ports.js';
export type { SyncLock } from './platform/web-lock.js';
export type { Clock } from './platform/clock.js';
export type { TabChannel } from './platform/tab-channel.js';
export type {
  SyncManager,
  SyncListener,
  ConflictChoice,
  LocalBackup,
  ReplaceEvent,
  ReplaceListener,
  ReplaceReason,
} from './core/sync-manager.js';
export type {
  SyncState,
  SyncStatus,
  ConflictInfo,
  ConflictReason,
  ConflictSide,
  ConflictValue,
  SyncErrorInfo,
} from './core/sync-state.js';
export { CONFLICT_VALUES_SHOWN, CONFLICT_VALUE_MAX_CHARS } from './core/sync-state.js';
