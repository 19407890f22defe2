import type { Ledger } from './ledger.js';

/** The app the simulation syncs. */
export const SIM_APP = 'tenure';

/** The keys each app release syncs: the older release does not know `t_c` (DESIGN §7.3). */
export const KEYS_BY_RELEASE = { new: ['t_a', 't_b', 't_c'], old: ['t_a', 't_b'] } as const;
export type Release = keyof typeof KEYS_BY_RELEASE;

/** How an app holds its data: `live` reads localStorage each time; `memory` loads it once and saves its whole copy back (TodoMVC's way). */
export type AppKind = 'live' | 'memory';

/** What an app needs from its page. */
export interface AppContext {
  device: string;
  storage: Storage;
  keys: readonly string[];
  ledger: Ledger;
  /**
   * The accounts a new value belongs to: the one signed in (null when signed out: nobody yet),
   * and the one whose data the store holds, which a backup of it goes to (DESIGN §7.1).
   */
  accounts(): (string | null)[];
  /** The app tells the SDK it saved (`notifyChanged()`). */
  notify(): void;
  /** Whether the SDK put `key`'s current value there (a replacement no app write has touched since). */
  fromSdk(key: string): boolean;
  /** The app wrote `key`: its value is the app's again. */
  wrote(key: string): void;
}

/** A simulated app on one page: the person's edits reach localStorage through it. */
export interface SimApp {
  readonly kind: AppKind;
  /** Runs after `await sync.start()`, before the first render: a `memory` app loads its copy here. */
  render(): void;
  /** The person sets `key` to a fresh value, or removes it. */
  edit(key: string, remove: boolean): void;
  /** The person empties the app (a reset button, a sign-out that clears data). */
  clear(): void;
  /** The values the app holds in memory (and may write back). */
  held(): string[];
}

/** An app that reads localStorage whenever it shows or changes something: it never holds a stale copy. */
export function liveApp(context: AppContext): SimApp {
  const { storage, ledger, device } = context;
  const write = (key: string, next: string | null): void => {
    const prev = storage.getItem(key);
    if (prev === next) return;
    if (next === null) storage.removeItem(key);
    else storage.setItem(key, next);
    context.wrote(key);
    ledger.edit(device, key, prev, next);
  };
  return {
    kind: 'live',
    render() {},
    held: () => [],
    edit(key, remove) {
      write(key, remove ? null : ledger.newToken(context.accounts()));
      context.notify();
    },
    clear() {
      for (const key of context.keys) write(key, null);
      context.notify();
    },
  };
}

/**
 * An app that loads its keys into memory once and writes its whole copy back on every save, as
 * TodoMVC does. It registers no `onReplace` listener: after the SDK replaces local data its copy is
 * stale, and its next save writes old values back (DESIGN §7.4).
 */
export function memoryApp(context: AppContext): SimApp {
  const { storage, ledger, device, keys } = context;
  const memory = new Map<string, string>();
  /**
   * Writes the copy back. A key the person changed is an edit of what they saw (`intents`: key ->
   * the value they saw). A key written over another tab's value is also this app's own overwrite
   * of what the store held, which no SDK can see. A key written over a value the SDK put there is
   * no edit of it: that is the stale write-back the SDK must catch (DESIGN §7.4).
   */
  const save = (intents: Map<string, string | null>): void => {
    for (const key of keys) {
      const target = memory.get(key) ?? null;
      const actual = storage.getItem(key);
      if (actual === target) continue;
      const overSdkValue = context.fromSdk(key);
      if (target === null) storage.removeItem(key);
      else storage.setItem(key, target);
      context.wrote(key);
      if (intents.has(key)) ledger.edit(device, key, intents.get(key)!, target);
      if (!overSdkValue) ledger.edit(device, key, actual, target);
    }
    context.notify();
  };
  return {
    kind: 'memory',
    held: () => [...memory.values()],
    render() {
      memory.clear();
      for (const key of keys) {
        const value = storage.getItem(key);
        if (value !== null) memory.set(key, value);
      }
    },
    edit(key, remove) {
      const believed = memory.get(key) ?? null;
      if (remove) memory.delete(key);
      else memory.set(key, ledger.newToken(context.accounts()));
      save(new Map([[key, believed]]));
    },
    clear() {
      const believed = new Map<string, string | null>(keys.map((key) => [key, memory.get(key) ?? null]));
      memory.clear();
      save(believed);
    },
  };
}
