import { nanoid } from 'nanoid';
import type { SyncRecordStore } from './sync-record-store.js';

/**
 * This browser profile's device id: a nanoid created once and kept in the record store, so every
 * tab and every later page load reports the same id.
 */
export function loadDeviceId(store: SyncRecordStore): Promise<string> {
  return store.deviceId(() => nanoid());
}
