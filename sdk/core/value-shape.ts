/**
 * Checks for values read back from storage (IndexedDB records and backups): each takes `unknown`
 * and narrows it. A shape names each field's check once, so a record's validator reads like its type.
 */

/** Narrows an `unknown` to `T` when it passes. */
export type Check<T> = (value: unknown) => value is T;

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;
export const isString = (value: unknown): value is string => typeof value === 'string';
export const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
export const isNullableString = (value: unknown): value is string | null => value === null || isString(value);

/** Passes `undefined` (an optional field left out) or what `check` passes. */
export const optional =
  <T>(check: Check<T>): Check<T | undefined> =>
  (value): value is T | undefined =>
    value === undefined || check(value);

/** Passes an array whose every item passes `check`. */
export const arrayOf =
  <T>(check: Check<T>): Check<T[]> =>
  (value): value is T[] =>
    Array.isArray(value) && value.every(check);

/** Passes an object whose every field named in `fields` passes that field's check; other fields are not looked at. */
export const shaped =
  <T>(fields: { [K in keyof T]-?: Check<T[K]> }): Check<T> =>
  (value): value is T =>
    isObject(value) && Object.entries<Check<unknown>>(fields).every(([name, check]) => check(value[name]));
