import { canonicalJson, checksum, type Snapshot } from 'taco-sync';

interface Stored {
  data: Snapshot;
  meta: { version: number; lastModified: string; deviceId: string; checksum: string; size: number };
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * An in-memory sync endpoint for an app's tests, as `fetch` for `createSync`: meta, pull and push of
 * docs/protocol.md with the Worker's compare-and-swap on the version (one user, any token). A patch
 * push is answered `PATCH_REJECTED`, so the SDK sends the full data.
 */
export function fakeSyncEndpoint() {
  const apps = new Map<string, Stored>();
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const [, app = '', route] = /\/api\/sync\/([^/]+)\/(meta|pull|push)$/.exec(new URL(request.url).pathname) ?? [];
    const stored = apps.get(app);
    const versions = { availableVersions: stored ? [stored.meta.version] : [], versions: stored ? [stored.meta] : [] };
    if (route === 'meta')
      return json(200, { success: true, exists: !!stored, meta: stored?.meta ?? null, ...versions });
    if (route === 'pull')
      return stored
        ? json(200, { success: true, ...stored, ...versions })
        : json(404, { error: 'Nothing stored', code: 'NOT_FOUND' });
    if (route !== 'push') return json(404, { error: 'Unknown route', code: 'NOT_FOUND' });
    const gzipped = request.headers.get('content-encoding') === 'gzip';
    const push = await new Response(
      gzipped ? request.body!.pipeThrough(new DecompressionStream('gzip')) : request.body,
    ).json();
    if (push.patch) return json(422, { error: 'Send the full data', code: 'PATCH_REJECTED' });
    const version = stored?.meta.version ?? 0;
    if (push.version !== version) {
      return json(409, {
        error: 'Version conflict',
        code: 'CONFLICT',
        localVersion: push.version,
        serverVersion: version,
        serverModified: stored?.meta.lastModified,
        serverDeviceId: stored?.meta.deviceId,
      });
    }
    const data = push.data as Snapshot;
    const meta = {
      version: version + 1,
      lastModified: new Date().toISOString(),
      deviceId: push.deviceId,
      checksum: await checksum(data),
      size: new TextEncoder().encode(canonicalJson(data)).byteLength,
    };
    apps.set(app, { data, meta });
    return json(200, { success: true, version: meta.version, checksum: meta.checksum, timestamp: meta.lastModified });
  };
  /** What the endpoint stores for `app`, as another device would pull it. */
  const data = (app: string): Snapshot | undefined => apps.get(app)?.data;
  /** Stores `data` as the next version of `app`, as if another device had pushed it. */
  const push = async (app: string, data: Snapshot, deviceId = 'other-device'): Promise<void> => {
    const version = (apps.get(app)?.meta.version ?? 0) + 1;
    apps.set(app, {
      data,
      meta: {
        version,
        lastModified: new Date().toISOString(),
        deviceId,
        checksum: await checksum(data),
        size: new TextEncoder().encode(canonicalJson(data)).byteLength,
      },
    });
  };
  return { fetch, data, push };
}
