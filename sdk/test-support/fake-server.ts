import {
  API_PREFIX,
  canonicalJson,
  canUseSync,
  applyPatch,
  checksum,
  isPatchPush,
  parsePushRequest,
  patchBetween,
  snapshotFromEntries,
  utf8ByteLength,
  type DeletedRecord,
  type ErrorCode,
  type Snapshot,
  type VersionRecord,
} from '../contract/index.js';
import { decodeJwt } from 'jose';

interface StoredVersion {
  record: VersionRecord;
  data: Snapshot;
}

/** What a request of one account and app meets: its stored versions and tombstone. */
interface RouteContext {
  seen: SeenRequest;
  app: string;
  user: string;
  list: StoredVersion[];
  head: StoredVersion | undefined;
  availableVersions: number[];
  versions: VersionRecord[] | undefined;
  tombstone: DeletedRecord | undefined;
}

/** One request the fake server saw. */
export interface SeenRequest {
  method: string;
  path: string;
  keepalive: boolean;
  /** The parsed JSON body (inflated first when it was sent gzip-compressed). */
  body: unknown;
  /** Whether the body was sent gzip-compressed. */
  gzip?: boolean;
  /** Bytes of the body as sent (compressed when gzip), or 0. */
  bytes?: number;
  /** The `since` of a pull (`?since=N`), when it named one. */
  since?: number;
}

/** A request body as text: a string as is, bytes decoded (inflated when `Content-Encoding: gzip`). */
async function bodyTextOf(init: RequestInit): Promise<string | null> {
  const { body } = init;
  if (typeof body === 'string') return body;
  if (!(body instanceof Uint8Array)) return null;
  const gzip = new Headers(init.headers).get('content-encoding') === 'gzip';
  const stream = new Blob([body as Uint8Array<ArrayBuffer>]).stream();
  return new Response(gzip ? stream.pipeThrough(new DecompressionStream('gzip')) : stream).text();
}

const bodyBytesOf = ({ body }: RequestInit): number =>
  typeof body === 'string' ? utf8ByteLength(body) : body instanceof Uint8Array ? body.byteLength : 0;

/** A canned failure to answer the next matching request with. */
export interface FailureOnce {
  status: number;
  code: ErrorCode;
  retryAfter?: string;
  /** Throw a TypeError instead of answering, as fetch does when the network is down. */
  network?: boolean;
}

/** The account of `fakeToken()` without a `sub` argument. */
const DEFAULT_USER = 'user-1';
const keyOf = (user: string, app: string): string => `${user}/${app}`;

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const fail = (status: number, code: ErrorCode, extra: Record<string, unknown> = {}): Response =>
  json(status, { error: `${code} (fake server)`, code, ...extra });

/**
 * An in-memory sync server at the `fetch` port, holding the contract's semantics: strict
 * compare-and-swap on push, idempotent retries, the last 5 versions kept, 404 on an empty pull,
 * 401 for tokens it does not accept, 403 when the token's `subscriptions` claim does not allow the app.
 * Tests read `requests` and `current` and queue failures with `failNext`.
 */
export class FakeSyncServer {
  readonly requests: SeenRequest[] = [];
  readonly versions = new Map<string, StoredVersion[]>();
  /** The tombstone a DELETE left (DESIGN §10), while nothing was pushed since. */
  readonly tombstones = new Map<string, DeletedRecord>();
  readonly failures: FailureOnce[] = [];
  /** Tokens that answer 401. */
  readonly rejectedTokens = new Set<string>();
  /** Called with each request as it arrives, before it is answered (to interleave local writes). */
  onRequest: ((request: SeenRequest) => void) | undefined;
  /** Whether meta and pull carry the kept versions' records (`versions`), as the current Worker does. */
  withVersions = true;
  private clockMs = Date.parse('2026-11-01T00:00:00Z');
  private answersToLose = 0;

  /** The `fetch` to hand to the SDK. */
  readonly fetch: typeof fetch = async (input, init) => {
    const lose = this.answersToLose > 0;
    if (lose) this.answersToLose--;
    if (this.requestsToHang > 0) {
      this.requestsToHang--;
      this.requests.push({
        method: init?.method ?? 'GET',
        path: new URL(String(input)).pathname,
        keepalive: false,
        body: null,
      });
      // Never answers, as a stalled network; only an abort ends it.
      return new Promise<Response>((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError'))),
      );
    }
    const response = await this.handle(String(input), init ?? {});
    if (lose) throw new TypeError('Failed to fetch (the answer was lost)');
    return response;
  };

  private requestsToHang = 0;

  /** The next request is never answered (it ends only when aborted). */
  hangNext(): void {
    this.requestsToHang++;
  }

  /** Pulls answer data that does not match their checksum, this many times (full answers, even with `since`). */
  tamperedPulls = 0;
  /** Whether a pull with `since` of a kept version is answered with the changes since it, as the Worker does (DESIGN §9). */
  patchPulls = true;
  /** Patch pulls answer a patch whose result does not have the current checksum, this many times. */
  spoiledPatchPulls = 0;
  /** Patch pulls answer a patch against other data than the device's (another base checksum), this many times. */
  foreignBasePatchPulls = 0;

  /** Handles the next request as usual (a push commits), then loses its answer: fetch rejects as on a dropped network or a closed tab. */
  loseNextAnswer(): void {
    this.answersToLose++;
  }

  /** Queues a failure for the next request (any endpoint). */
  failNext(failure: FailureOnce): void {
    this.failures.push(failure);
  }

  /** The head version of `app` for account `user`, or undefined. */
  current(app: string, user = DEFAULT_USER): StoredVersion | undefined {
    return this.versions.get(keyOf(user, app))?.at(-1);
  }

  /** Requests seen, as `METHOD /endpoint` strings (the app prefix dropped). */
  log(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path.replace(/^\/api\/sync\/[^/]+/, '') || '/'}`);
  }

  /** Forgets everything stored for `app` and `user`, as a reset bucket or a DELETE does. */
  reset(app: string, user = DEFAULT_USER): void {
    this.versions.delete(keyOf(user, app));
  }

  /** Deletes what is stored for `app` and `user` as the Worker's DELETE does: a tombstone one above the head, so versions only go up. */
  deleteCloud(app: string, user = DEFAULT_USER): DeletedRecord | null {
    const key = keyOf(user, app);
    const below = this.versions.get(key)?.at(-1)?.record.version;
    if (below === undefined) return this.tombstones.get(key) ?? null;
    const tombstone = { version: below + 1, deletedAt: new Date((this.clockMs += 1000)).toISOString() };
    this.versions.delete(key);
    this.tombstones.set(key, tombstone);
    return tombstone;
  }

  /** Stores `data` as the next version of `app` for account `user`, as if another device pushed it. */
  async seed(
    app: string,
    data: Snapshot,
    deviceId = 'other-device',
    user = DEFAULT_USER,
    deviceName?: string,
  ): Promise<VersionRecord> {
    const list = this.versions.get(keyOf(user, app)) ?? [];
    const record: VersionRecord = {
      version: (list.at(-1)?.record.version ?? this.tombstones.get(keyOf(user, app))?.version ?? 0) + 1,
      checksum: await checksum(data),
      deviceId,
      lastModified: new Date((this.clockMs += 1000)).toISOString(),
      size: utf8ByteLength(canonicalJson(data)),
      ...(deviceName && { deviceName }),
    };
    list.push({ record, data: snapshotFromEntries(Object.entries(data)) });
    this.versions.set(keyOf(user, app), list.slice(-5));
    return record;
  }

  /** The changes from `base` to `head` as a patch pull answers them, spoiled when a test asked for it. */
  private async patchSince(base: StoredVersion, head: StoredVersion) {
    const patch = patchBetween(base.data, head.data);
    const spoiled = this.spoiledPatchPulls > 0;
    const foreign = this.foreignBasePatchPulls > 0;
    if (spoiled) this.spoiledPatchPulls--;
    if (foreign) this.foreignBasePatchPulls--;
    if (spoiled) patch.set = { ...patch.set, t_spoiled: 'lost bit' };
    return {
      baseVersion: base.record.version,
      baseChecksum: foreign ? await checksum(snapshotFromEntries([['other', 'data']])) : base.record.checksum,
      patch,
    };
  }

  private async handle(url: string, init: RequestInit): Promise<Response> {
    const path = new URL(url).pathname;
    const method = init.method ?? 'GET';
    const bodyText = await bodyTextOf(init);
    const sinceText = new URL(url).searchParams.get('since');
    const seen: SeenRequest = {
      method,
      path,
      keepalive: init.keepalive === true,
      body: bodyText === null ? null : JSON.parse(bodyText),
      gzip: new Headers(init.headers).get('content-encoding') === 'gzip',
      bytes: bodyBytesOf(init),
      ...(sinceText !== null && { since: Number(sinceText) }),
    };
    this.requests.push(seen);
    this.onRequest?.(seen);
    const failure = this.failures.shift();
    if (failure?.network) throw new TypeError('Failed to fetch');
    if (failure)
      return json(
        failure.status,
        { error: 'canned failure', code: failure.code },
        failure.retryAfter ? { 'Retry-After': failure.retryAfter } : {},
      );

    const token = new Headers(init.headers).get('authorization')?.replace(/^Bearer /, '') ?? '';
    if (this.rejectedTokens.has(token)) return fail(401, 'UNAUTHORIZED');
    const match = path.match(new RegExp(`^${API_PREFIX}/([^/]+)(/[a-z]+)?(?:/(\\d+))?$`));
    if (!match) return fail(404, 'NOT_FOUND');
    const [, app = '', endpoint = '', version] = match;
    let claims: { subscriptions?: unknown; sub?: unknown };
    try {
      claims = decodeJwt(token);
    } catch {
      return fail(401, 'UNAUTHORIZED');
    }
    const { subscriptions } = claims;
    if (typeof claims.sub !== 'string') return fail(401, 'UNAUTHORIZED');
    const user = claims.sub;
    if (!canUseSync(app, Array.isArray(subscriptions) ? subscriptions : []).allowed) return fail(403, 'FORBIDDEN');

    const list = this.versions.get(keyOf(user, app)) ?? [];
    const head = list.at(-1);
    const availableVersions = list.map((v) => v.record.version);
    const versions = this.withVersions ? list.map((v) => v.record) : undefined;
    const tombstone = head ? undefined : this.tombstones.get(keyOf(user, app));
    const deleted = tombstone && { deleted: tombstone };
    if (method === 'GET' && endpoint === '/meta') {
      return json(
        200,
        head
          ? { success: true, exists: true, meta: head.record, availableVersions, versions }
          : { success: true, exists: false, meta: null, availableVersions: [], versions: [], ...deleted },
      );
    }
    const route: RouteContext = { seen, app, user, list, head, availableVersions, versions, tombstone };
    if (method === 'GET' && endpoint === '/pull') return this.answerPull(route);
    if (method === 'GET' && endpoint === '/history') {
      const kept = list.find((v) => v.record.version === Number(version));
      return kept ? json(200, { success: true, data: kept.data, meta: kept.record }) : fail(404, 'NOT_FOUND');
    }
    if (method === 'DELETE' && endpoint === '') {
      const left = this.deleteCloud(app, user);
      return json(200, { success: true, deleted: head !== undefined, version: left?.version ?? 0 });
    }
    if (method === 'POST' && endpoint === '/push') return this.answerPush(route);
    return fail(404, 'NOT_FOUND');
  }

  private async answerPull({
    seen,
    head,
    list,
    availableVersions,
    versions,
    tombstone,
  }: RouteContext): Promise<Response> {
    const deleted = tombstone && { deleted: tombstone };
    if (head && this.tamperedPulls > 0) {
      this.tamperedPulls--;
      return json(200, {
        success: true,
        data: { ...head.data, t_tampered: 'bit flip' },
        meta: head.record,
        availableVersions,
        versions,
      });
    }
    const base = list.find((v) => v.record.version === seen.since);
    if (head && base && this.patchPulls)
      return json(200, {
        success: true,
        ...(await this.patchSince(base, head)),
        meta: head.record,
        availableVersions,
        versions,
      });
    return head
      ? json(200, { success: true, data: head.data, meta: head.record, availableVersions, versions })
      : fail(404, 'NOT_FOUND', deleted);
  }

  private async answerPush({ seen, app, user, head, tombstone }: RouteContext): Promise<Response> {
    const parsed = parsePushRequest(seen.body);
    if (!parsed.ok) return fail(400, 'BAD_REQUEST');
    const push = parsed.value;
    const serverVersion = head?.record.version ?? tombstone?.version ?? 0;
    const isRetry =
      head &&
      head.record.version === push.version + 1 &&
      head.record.checksum === push.checksum &&
      head.record.deviceId === push.deviceId;
    const staleBase =
      push.version !== serverVersion ||
      (push.baseChecksum !== undefined &&
        push.baseChecksum !== (head?.record.checksum ?? (tombstone ? '' : push.baseChecksum)));
    if (!isRetry && staleBase) {
      return fail(409, 'CONFLICT', {
        localVersion: push.version,
        serverVersion,
        serverModified: head?.record.lastModified ?? tombstone?.deletedAt ?? null,
        serverDeviceId: head?.record.deviceId ?? null,
        ...(tombstone && { serverDeleted: true }),
      });
    }
    const data = isPatchPush(push) ? applyPatch(head?.data ?? snapshotFromEntries([]), push.patch) : push.data;
    if ((await checksum(data)) !== push.checksum)
      return isPatchPush(push) ? fail(422, 'PATCH_REJECTED') : fail(400, 'CHECKSUM_MISMATCH');
    const stored = isRetry ? head.record : await this.seed(app, data, push.deviceId, user, push.deviceName);
    return json(200, {
      success: true,
      version: stored.version,
      checksum: stored.checksum,
      timestamp: stored.lastModified,
    });
  }
}
