import { canonicalJson, diffSnapshots, utf8ByteLength, type Snapshot, type VersionRecord } from '../contract/index.js';
import {
  CONFLICT_VALUE_MAX_CHARS,
  CONFLICT_VALUES_SHOWN,
  type ConflictInfo,
  type ConflictReason,
  type ConflictSide,
  type ConflictValue,
} from './sync-state.js';

/** What {@link conflictInfo} builds a conflict from. */
export interface ConflictSides {
  reason: ConflictReason;
  /** The server version this device last synced. */
  baseVersion: number;
  local: { data: Snapshot; modifiedAt: string | null; deviceName: string | null };
  /** The server's head record and data; null when the server holds nothing (an emptied account). */
  server: { record: VersionRecord; data: Snapshot } | null;
  /** The colliding keys of a key-level conflict (DESIGN §9); absent for a whole-data one. */
  collisions?: readonly string[];
}

const sideOf = (data: Snapshot, modifiedAt: string | null, deviceName: string | null): ConflictSide => ({
  keys: Object.keys(data).length,
  bytes: utf8ByteLength(canonicalJson(data)),
  modifiedAt,
  deviceName,
});

const small = (value: string | undefined): boolean => value === undefined || value.length <= CONFLICT_VALUE_MAX_CHARS;

/** The differing keys whose values are small on both sides, first few in key order. */
function shownValues(local: Snapshot, server: Snapshot, keys: readonly string[]): ConflictValue[] {
  const values: ConflictValue[] = [];
  for (const key of keys) {
    if (values.length === CONFLICT_VALUES_SHOWN) break;
    const l = Object.hasOwn(local, key) ? local[key] : undefined;
    const s = Object.hasOwn(server, key) ? server[key] : undefined;
    if (small(l) && small(s)) values.push({ key, local: l ?? null, server: s ?? null });
  }
  return values;
}

/** The {@link ConflictInfo} a dialog shows: both sides, what differs (or, key-level, what collides), and a few small values. */
export function conflictInfo({ reason, baseVersion, local, server, collisions }: ConflictSides): ConflictInfo {
  const serverData = server?.data ?? Object.create(null);
  const diff = diffSnapshots(local.data, serverData);
  const record = server?.record;
  return {
    reason,
    localVersion: baseVersion,
    serverVersion: record?.version ?? 0,
    serverModified: record?.lastModified ?? null,
    serverDeviceId: record?.deviceId ?? null,
    diff,
    local: sideOf(local.data, local.modifiedAt, local.deviceName),
    server: sideOf(serverData, record?.lastModified ?? null, record?.deviceName ?? null),
    values: shownValues(local.data, serverData, collisions ?? [...diff.changed, ...diff.added, ...diff.removed].sort()),
    ...(collisions && { keys: [...collisions] }),
  };
}
