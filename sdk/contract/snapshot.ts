/**
 * An app snapshot: localStorage key -> raw string value. Any string is a key, `__proto__` and
 * `"10"` included, so snapshots built in code should start from {@link emptySnapshot}.
 */
export type Snapshot = Record<string, string>;

/** A snapshot with no prototype, so `__proto__` is an ordinary key. */
export function emptySnapshot(): Snapshot {
  return Object.create(null) as Snapshot;
}

/** Copies entries into a prototype-free snapshot (safe for `__proto__`). */
export function snapshotFromEntries(entries: Iterable<readonly [string, string]>): Snapshot {
  // fromEntries defines own properties, so `__proto__` stays a key; the prototype goes afterwards.
  return Object.setPrototypeOf(Object.fromEntries(entries), null) as Snapshot;
}

/** True when `value` is a flat, non-array object whose own values are all strings. */
export function isSnapshot(value: unknown): value is Snapshot {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // A plain object of any realm: Jest runs tests in a VM context whose fetch parses JSON outside it.
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return false;
  for (const key of Object.keys(value)) {
    if (typeof (value as Record<string, unknown>)[key] !== 'string') return false;
  }
  return true;
}
