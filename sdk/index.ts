/**
 * taco-sync: local-first, single-player multi-device sync for web apps.
 *
 * @packageDocumentation
 */
export { canUseSync, checksum, canonicalJson } from './contract/index.js';
export type { Snapshot, SyncAccess, ErrorCode } from './contract/index.js';
