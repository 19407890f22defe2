import { env as startupEnv } from 'cloudflare:workers';
import { Router, type IRequest } from 'itty-router';
import {
  API_PREFIX,
  canonicalJson,
  canUseSync,
  isPatchPush,
  parsePushRequest,
  sha256Hex,
  type DeleteResponse,
  type MetaResponse,
  type PushResponse,
  type VersionRecord,
} from '../../sdk/contract/index.js';
import { bearerToken, createTokenVerifier, type TokenVerifier } from './auth.js';
import { patchPullResponse, sinceOf } from './change-log.js';
import { addBenchRoutes, countingBucket, noR2Ops, type R2OpCounts } from './bench-routes.js';
import { parseJson, readBodyText } from './body.js';
import { ConfigError, corsConfigOf, parseConfig, servesApp, type WorkerConfig, type WorkerEnv } from './config.js';
import { preflightResponse, withCors } from './cors.js';
import { cleanDeviceName } from './device-name.js';
import { isLoopbackHost } from './origins.js';
import { withSecurityHeaders } from './security-headers.js';
import { enforceRateLimits, rateLimitersOf, type RateLimiters } from './rate-limit.js';
import { addDevRoutes, type FaultPlan } from './dev-routes.js';
import { errorResponse, HttpError, responseForError } from './http-error.js';
import { announceHead, liveRoute } from './live-route.js';
import { assertStorable, refuseTooManyKeys } from './stored-size.js';
import {
  SyncStore,
  type CurrentState,
  type PushCommand,
  type PushIdentity,
  type StoredVersion,
  type SyncBucket,
} from './store.js';

/**
 * The API at a glance (DESIGN §3). Checks run in this order: route shape (404), token (401),
 * rate limits (429), app (404), subscription (403), body size (413, after inflating a gzip body; then more strings than
 * the key cap allows), body (400), stored size (413), checksum (400), version and base checksum
 * (409), patch result (413 over the stored size, 422).
 */
function buildRouter(config: WorkerConfig, faults: FaultPlan, r2Ops: R2OpCounts) {
  const router = Router<SyncRequest, [Services]>({
    catch: responseForError,
    finally: [(response: Response, request: SyncRequest) => withSecurityHeaders(withCors(response, request, config))],
  });
  if (config.devMode) {
    addDevRoutes(router, config, faults);
    addBenchRoutes(router, r2Ops);
  }
  router
    .post(`${API_PREFIX}/:app/push`, withStore, push)
    .get(`${API_PREFIX}/:app/pull`, withStore, pull)
    .get(`${API_PREFIX}/:app/meta`, withStore, meta)
    .get<SyncRequest, [Services]>(`${API_PREFIX}/:app/history/:version`, withVersion, withStore, history)
    .delete(`${API_PREFIX}/:app`, withOwnStore, remove)
    .get(`${API_PREFIX}/:app/live`, liveRoute)
    .all('*', () => {
      throw new HttpError('NOT_FOUND', 'Not found');
    });
  return router;
}

/** Options of {@link createWorker}; tests use them to wrap the bucket and fix the clock. */
export interface WorkerOptions {
  /** The bucket to use for an environment (default `env.BACKUPS`). */
  bucket?: (env: WorkerEnv) => SyncBucket;
  /** The clock for commit times and token expiry (default: the real one). */
  now?: () => Date;
}

/** The Worker's fetch handler, as `export default` and tests use it. */
export interface SyncWorker {
  fetch(request: Request, env: WorkerEnv, ctx?: Pick<ExecutionContext, 'waitUntil'>): Promise<Response>;
}

/** What every handler gets besides the request. */
interface Services {
  bucket: SyncBucket;
  now: () => Date;
  config: WorkerConfig;
  verifyToken: TokenVerifier;
  limiters: RateLimiters;
  env: WorkerEnv;
  /** Keeps work going after the answer (the live announcement of a commit). */
  waitUntil: (promise: Promise<unknown>) => void;
}

/** A sync request once its caller is known and allowed: the store is theirs for this app. */
type SyncRequest = IRequest & { store: SyncStore; version: number; userId: string };

/**
 * Creates the Worker. The configuration is parsed once per environment object.
 *
 * @example
 * export default createWorker();
 * createWorker({ bucket: (env) => withDelays(env.BACKUPS) }).fetch(request, env);
 */
export function createWorker(options: WorkerOptions = {}): SyncWorker {
  const bucketOf = options.bucket ?? ((env: WorkerEnv) => env.BACKUPS);
  const now = options.now ?? (() => new Date());
  const faults: FaultPlan = { code: null, remaining: 0 };
  const r2Ops = noR2Ops();
  const setups = new WeakMap<
    WorkerEnv,
    { config: WorkerConfig; verifyToken: TokenVerifier; router: ReturnType<typeof buildRouter> }
  >();

  const setupFor = (env: WorkerEnv) => {
    let setup = setups.get(env);
    if (!setup) {
      const config = parseConfig(env);
      setup = { config, verifyToken: createTokenVerifier(config), router: buildRouter(config, faults, r2Ops) };
      setups.set(env, setup);
    }
    return setup;
  };

  return {
    async fetch(request: Request, env: WorkerEnv, ctx?: Pick<ExecutionContext, 'waitUntil'>): Promise<Response> {
      const cors = corsConfigOf(env);
      const host = request.headers.get('Host');
      if (cors.devMode && host !== null && !isLoopbackHost(host))
        return withSecurityHeaders(errorResponse('FORBIDDEN', 'Dev mode answers only localhost, 127.0.0.1 and [::1]'));
      if (request.method === 'OPTIONS') return withSecurityHeaders(preflightResponse(request, cors));
      try {
        const { config, verifyToken, router } = setupFor(env);
        // Dev only: count R2 calls for `npm run bench` (docs/performance.md, cost per request).
        const bucket = config.devMode ? countingBucket(bucketOf(env), r2Ops) : bucketOf(env);
        const waitUntil = ctx
          ? (promise: Promise<unknown>) => ctx.waitUntil(promise)
          : (promise: Promise<unknown>) => void promise;
        return await router.fetch(request, {
          bucket,
          now,
          config,
          verifyToken,
          limiters: rateLimitersOf(env),
          env,
          waitUntil,
        });
      } catch (error) {
        if (!(error instanceof ConfigError))
          return withSecurityHeaders(withCors(responseForError(error), request, cors));
        console.error(error.message);
        return withSecurityHeaders(withCors(errorResponse('INTERNAL', 'Internal error'), request, cors));
      }
    },
  };
}

// A configuration mistake stops the Worker at start-up, with its message (`wrangler dev` does not
// start, `wrangler deploy` does not upload), instead of answering every request with a 500.
parseConfig(startupEnv);

export default createWorker() satisfies ExportedHandler<Env>;
export { LiveRoom } from './live-room.js';

/** Token (401), then the caller's rate limits (429), app (404), subscription (403); on success the caller's store is attached. */
const withStore = (request: SyncRequest, services: Services): Promise<undefined> =>
  attachStore(request, services, true);

/** {@link withStore} without the subscription: erasing one's data does not depend on paying (DESIGN §11). */
const withOwnStore = (request: SyncRequest, services: Services): Promise<undefined> =>
  attachStore(request, services, false);

async function attachStore(
  request: SyncRequest,
  { bucket, now, config, verifyToken, limiters }: Services,
  needsSubscription: boolean,
): Promise<undefined> {
  const caller = await verifyToken(bearerToken(request), now());
  await enforceRateLimits(limiters, request.method, caller.userId);
  const app = request.params.app;
  if (!servesApp(config, app)) throw new HttpError('NOT_FOUND', 'Unknown app');
  const access = canUseSync(app, caller.subscriptions);
  if (needsSubscription && !access.allowed)
    throw new HttpError('FORBIDDEN', access.reason ?? 'Sync is not allowed for this app');
  request.store = new SyncStore(bucket, { userId: caller.userId, app }, now);
  request.userId = caller.userId;
  return undefined;
}

/** A history version is part of the route's shape: a positive integer, else 404 before any auth. */
function withVersion(request: SyncRequest): undefined {
  const text = request.params.version ?? '';
  const version = Number(text);
  if (!/^[1-9]\d*$/.test(text) || !Number.isSafeInteger(version)) throw new HttpError('NOT_FOUND', 'Not found');
  request.version = version;
  return undefined;
}

/** A push, full or patch (DESIGN §3, §8); the store checks the base and applies a patch. */
async function push(request: SyncRequest, { config, env, waitUntil }: Services): Promise<Response> {
  const record = await request.store.push(await pushCommandOf(request, config));
  announceHead(env, waitUntil, request.userId, request.params.app!, record);
  return Response.json({
    success: true,
    version: record.version,
    checksum: record.checksum,
    timestamp: record.lastModified,
  } satisfies PushResponse);
}

/**
 * A push body as the store's command: its own function, so the parsed body (a full push's data
 * as objects) is garbage once the command holds the canonical text.
 */
async function pushCommandOf(request: SyncRequest, config: WorkerConfig): Promise<PushCommand> {
  const parsed = parsePushRequest(parseJson(refuseTooManyKeys(await readBodyText(request, config.maxBodyBytes))));
  if (!parsed.ok) throw new HttpError('BAD_REQUEST', parsed.error);
  const body = parsed.value;
  const { version, checksum, baseChecksum, deviceId } = body;
  const deviceName = cleanDeviceName(body.deviceName);
  const identity = {
    version,
    checksum,
    deviceId,
    ...(baseChecksum === undefined ? {} : { baseChecksum }),
    ...(deviceName === undefined ? {} : { deviceName }),
  };
  if (isPatchPush(body)) return { ...identity, patch: body.patch, maxStoredBytes: config.maxStoredBytes };
  const canonical = canonicalJson(body.data);
  assertStorable(body.data, canonical, config.maxStoredBytes);
  // Returned, not awaited: this frame, and the parsed data it holds, ends before the hash.
  return checksumChecked({ ...identity, canonical });
}

/** The full push's command once its canonical text hashes to `checksum`. */
async function checksumChecked(command: PushIdentity & { canonical: string }): Promise<PushCommand> {
  if ((await sha256Hex(command.canonical)) !== command.checksum)
    throw new HttpError('CHECKSUM_MISMATCH', '`checksum` is not the checksum of `data`');
  return command;
}

async function pull(request: SyncRequest): Promise<Response> {
  // With `since` (DESIGN §9), the changes since that version when they are all kept, else the full data.
  const since = sinceOf(request.query);
  const changes = since === null ? null : await request.store.readChangesSince(since);
  if (changes) return patchPullResponse(changes, changes.record, changes.versions);
  const current = await request.store.readCurrent();
  if (!current) throw new HttpError('NOT_FOUND', 'No data stored');
  // A tombstone is no data: a 404 as for nothing stored (what every release of the SDK expects), saying when it was deleted.
  if ('deleted' in current)
    throw new HttpError('NOT_FOUND', 'The data was deleted', { deleted: { ...current.deleted } });
  const { availableVersions, versions } = keptVersions(current);
  return versionResponse(
    current,
    `,"availableVersions":${JSON.stringify(availableVersions)},"versions":${JSON.stringify(versions)}`,
  );
}

async function meta(request: SyncRequest): Promise<Response> {
  const state = await request.store.readHead();
  const nothing = (): MetaResponse => ({
    success: true,
    exists: false,
    meta: null,
    availableVersions: [],
    versions: [],
    ...(state && 'deleted' in state && { deleted: state.deleted }),
  });
  const body: MetaResponse =
    !state || 'deleted' in state
      ? nothing()
      : { success: true, exists: true, meta: state.record, ...keptVersions(state) };
  return Response.json(body);
}

async function history(request: SyncRequest): Promise<Response> {
  const stored = await request.store.readVersion(request.version);
  if (!stored) throw new HttpError('NOT_FOUND', `Version ${request.version} is not kept`);
  return versionResponse(stored);
}

async function remove(request: SyncRequest, { env, waitUntil }: Services): Promise<Response> {
  const { found, tombstone } = await request.store.deleteAll();
  const version = tombstone?.version ?? 0;
  announceHead(env, waitUntil, request.userId, request.params.app!, { version, checksum: null });
  return Response.json({ success: true, deleted: found, version } satisfies DeleteResponse);
}

/** The kept versions as meta and pull answer them: their numbers and their records, ascending. */
function keptVersions({ versions }: CurrentState): { availableVersions: number[]; versions: VersionRecord[] } {
  return { availableVersions: versions.map((kept) => kept.version), versions };
}

/** `{ success, data, meta, ... }` with the stored data text spliced in as it is, not re-serialised. */
function versionResponse({ record, dataText }: StoredVersion, moreFields = ''): Response {
  return new Response(`{"success":true,"data":${dataText},"meta":${JSON.stringify(record)}${moreFields}}`, {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
}
