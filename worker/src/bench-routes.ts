import type { IRequest, RouterType } from 'itty-router';
import { HttpError } from './http-error.js';
import type { SyncBucket } from './store.js';

/** R2 calls the dev Worker made since the last reset, by operation (`npm run bench` reads them). */
export type R2OpCounts = Record<'head' | 'get' | 'put' | 'delete' | 'list', number>;

/** What every bench route needs from the request's services: the (counted) bucket. */
interface BenchServices {
  bucket: SyncBucket;
}

const BENCH_KEY = /^[A-Za-z0-9_-]{1,64}$/;
/** Bare objects live outside `sync/`, so they can never be mistaken for a user's data. */
const BENCH_PREFIX = 'bench/';

/** Zeroed counters. */
export function noR2Ops(): R2OpCounts {
  return { head: 0, get: 0, put: 0, delete: 0, list: 0 };
}

/** Wraps a bucket so every call adds one to its operation's counter in `counts`. */
export function countingBucket(bucket: SyncBucket, counts: R2OpCounts): SyncBucket {
  return {
    head: (key) => (counts.head++, bucket.head(key)),
    get: (key) => (counts.get++, bucket.get(key)),
    put: (key, value, options) => (counts.put++, bucket.put(key, value, options)),
    delete: (keys) => (counts.delete++, bucket.delete(keys)),
    list: (options) => (counts.list++, bucket.list(options)),
  };
}

/**
 * Adds the benchmark's dev-only routes. Call it only when `DEV_MODE === 'true'`, so production has
 * none (like the other `/__dev/*` routes):
 * - `GET /__dev/bench/r2-ops` -> the R2 calls counted since the last reset; `POST` resets them.
 * - `PUT /__dev/bench/r2/:key` stores the body as it is, `GET` answers it: a bare R2 put/get in
 *   the same Worker, the floor the sync endpoints are measured against. No auth, no parsing.
 */
export function addBenchRoutes<R extends IRequest, A extends [BenchServices, ...unknown[]]>(
  router: RouterType<R, A>,
  r2Ops: R2OpCounts,
): void {
  router
    .get('/__dev/bench/r2-ops', () => Response.json({ ...r2Ops }))
    .post('/__dev/bench/r2-ops', () => Response.json(Object.assign(r2Ops, noR2Ops())))
    .put('/__dev/bench/r2/:key', async (request, { bucket }) => {
      const key = benchKey(request);
      const text = await request.text();
      await bucket.put(key, text);
      return Response.json({ success: true, size: text.length });
    })
    .get('/__dev/bench/r2/:key', async (request, { bucket }) => {
      const object = await bucket.get(benchKey(request));
      if (!object) throw new HttpError('NOT_FOUND', 'No such bench object');
      return new Response(object.body, { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
    });
}

function benchKey(request: IRequest): string {
  const key = request.params.key ?? '';
  if (!BENCH_KEY.test(key)) throw new HttpError('BAD_REQUEST', '`key` must match ^[A-Za-z0-9_-]{1,64}$');
  return BENCH_PREFIX + key;
}
