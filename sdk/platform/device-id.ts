import type { SyncRecordStore } from '../core/sync-record-store.js';

/**
 * This browser profile's device id: a random UUID (`crypto.randomUUID`, which every secure context
 * has, as the checksum's WebCrypto needs) created once and kept in the record store, so every tab
 * and every later page load reports the same id. Ids made by earlier releases (nanoids) are kept.
 */
export function loadDeviceId(store: SyncRecordStore): Promise<string> {
  return store.deviceId(() => crypto.randomUUID());
}
