import type { PushPatch, Snapshot } from '../../sdk/contract/index.js';

/**
 * `base` with `patch` applied, changed in place and returned: the result of the contract's
 * `applyPatch` without a copy of every entry, for a base the caller owns (the Worker's own parse
 * of current.json). Its prototype goes first, so a `__proto__` key is set as an ordinary key.
 *
 * @example
 * patchInPlace({ a: '1', b: '2' }, { set: { c: '3' }, remove: ['b'] }) // { a: '1', c: '3' }
 */
export function patchInPlace(base: Snapshot, patch: PushPatch): Snapshot {
  Object.setPrototypeOf(base, null);
  for (const key of patch.remove) delete base[key];
  for (const key of Object.keys(patch.set)) base[key] = patch.set[key]!;
  return base;
}
