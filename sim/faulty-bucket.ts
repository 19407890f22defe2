import type { SyncBucket } from '../worker/src/store.js';
import type { EventLoop } from './event-loop.js';
import type { Faults } from './faults.js';
import type { Trace } from './trace.js';

/** How long a stalled R2 call hangs before it completes: longer than a client's request timeout. */
export const R2_STALL_MS = 45_000;

/**
 * The bucket as the live Worker sees it: every call is a task of the event loop (so pushes racing
 * each other interleave call by call, in an order the seed picks), and may fail before it reaches
 * R2, fail after it took effect (the answer is lost), be refused with R2's 429 "reduce your rate",
 * or stall for {@link R2_STALL_MS} before it completes.
 */
export function faultyBucket(inner: SyncBucket, loop: EventLoop, faults: Faults, trace: Trace): SyncBucket {
  const call = async <T>(op: string, key: string, run: () => Promise<T>): Promise<T> => {
    await loop.turn(`r2 ${op} ${key}`);
    const fault = faults.bucket();
    if (fault) trace.add(`r2 ${op} ${key}: ${fault}`);
    if (fault === 'fail-before') throw new Error(`sim: R2 ${op} failed (injected)`);
    if (fault === 'rate-limited')
      throw new Error(`sim: ${op}: Reduce your rate of requests to the same object (10058, injected)`);
    if (fault === 'stall') await loop.sleep(R2_STALL_MS, `r2 ${op} ${key} (stalled)`);
    const result = await run();
    if (fault === 'fail-after') throw new Error(`sim: R2 ${op} took effect but its answer was lost (injected)`);
    return result;
  };
  return {
    head: (key) => call('head', key, () => inner.head(key)),
    get: (key) => call('get', key, () => inner.get(key)),
    put: (key, value, options) => call('put', key, () => inner.put(key, value, options)),
    delete: (keys) => call('delete', [keys].flat().join(','), () => inner.delete(keys)),
    list: (options) => call('list', options?.prefix ?? '', () => inner.list(options)),
  };
}
