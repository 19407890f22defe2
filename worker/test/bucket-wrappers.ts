import type { SyncBucket } from '../src/store.js';

/** One R2 call the store made. */
export interface BucketCall {
  op: 'head' | 'get' | 'put' | 'delete' | 'list';
  key: string;
}

type Around = <T>(call: BucketCall, run: () => Promise<T>) => Promise<T>;

/** Wraps a bucket so `around` sees (and may delay, fail or log) every call. */
export function interceptBucket(bucket: SyncBucket, around: Around): SyncBucket {
  return {
    head: (key) => around({ op: 'head', key }, () => bucket.head(key)),
    get: (key) => around({ op: 'get', key }, () => bucket.get(key)),
    put: (key, value, options) => around({ op: 'put', key }, () => bucket.put(key, value, options)),
    delete: (keys) => around({ op: 'delete', key: [keys].flat().join(',') }, () => bucket.delete(keys)),
    list: (options) => around({ op: 'list', key: options?.prefix ?? '' }, () => bucket.list(options)),
  };
}

/** Records every call, for tests that count or name the store's calls. */
export function recordingBucket(bucket: SyncBucket): { bucket: SyncBucket; calls: BucketCall[] } {
  const calls: BucketCall[] = [];
  return {
    calls,
    bucket: interceptBucket(bucket, (call, run) => {
      calls.push(call);
      return run();
    }),
  };
}

/**
 * Fails the k-th call (1-based) with an R2-like error: `before` it reaches R2 (nothing happens),
 * or `after` it did (the write landed but its answer was lost). Every other call goes through.
 */
export function failingBucket(
  bucket: SyncBucket,
  k: number,
  when: 'before' | 'after',
): { bucket: SyncBucket; calls: BucketCall[] } {
  const calls: BucketCall[] = [];
  return {
    calls,
    bucket: interceptBucket(bucket, async (call, run) => {
      calls.push(call);
      if (calls.length !== k) return run();
      if (when === 'after') await run();
      throw new Error(`injected R2 failure on ${call.op} ${call.key} (${when})`);
    }),
  };
}

/**
 * Stalls right after the first call that `matches` has completed, until `release()`: the window
 * between a push's `head` and its commit that a black box cannot hold open.
 */
export function stallingBucket(bucket: SyncBucket, matches: (call: BucketCall) => boolean) {
  let release!: () => void;
  let reached!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const stalled = new Promise<void>((resolve) => (reached = resolve));
  let done = false;
  return {
    release,
    /** Resolves once the matching call has completed and the caller is held. */
    stalled,
    bucket: interceptBucket(bucket, async (call, run) => {
      const result = await run();
      if (!done && matches(call)) {
        done = true;
        reached();
        await released;
      }
      return result;
    }),
  };
}

/** Holds every matching call's caller after the call until `count` callers have arrived. */
export function barrierBucket(bucket: SyncBucket, matches: (call: BucketCall) => boolean, count: number): SyncBucket {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return interceptBucket(bucket, async (call, run) => {
    const result = await run();
    if (matches(call)) {
      arrived += 1;
      if (arrived === count) open();
      await opened;
    }
    return result;
  });
}
