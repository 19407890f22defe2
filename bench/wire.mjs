// Wire bytes and R2 operations of one push, pull and meta per snapshot size, measured one request
// at a time: bytes by a counting TCP relay in front of `wrangler dev` (HTTP/1.1 as sent, headers
// included), R2 calls by the dev Worker's counter around its bucket binding.
import { createServer, connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { editOneKey } from './snapshots.mjs';
import { median } from './percentiles.mjs';
import {
  bareR2,
  DEVICE_NAME,
  devToken,
  expectPatchPull,
  patchBody,
  preparedSnapshot,
  pushBodyText,
  r2Ops,
  recordOf,
  syncApi,
} from './sync-api.mjs';

/** Pushes before the measured one, so history is full and the push prunes as in steady use. */
const WARM_PUSHES = 6;
/** Timed pushes of each form (full, patch) per size, alternating, one at a time. */
const TIMED_PUSHES = 5;
/** Browsers cut keepalive requests (a push from a closing page) at 64 KiB of body. */
const KEEPALIVE_MAX_BYTES = 65_536;
/** Versions the Worker keeps (DESIGN §5). */
const HISTORY_KEEP = 5;

/**
 * A TCP relay to `targetPort` that counts the bytes each way. Requests must run one at a time for
 * the difference of two readings to be one request's bytes.
 */
export function startByteCounter(targetPort) {
  const counts = { up: 0, down: 0 };
  const sockets = new Set();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (chunk) => {
      counts.up += chunk.length;
    });
    upstream.on('data', (chunk) => {
      counts.down += chunk.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        /** Runs `call` and answers its result with the bytes sent up and down meanwhile. */
        async measure(call) {
          const before = { ...counts };
          const result = await call();
          return { result, up: counts.up - before.up, down: counts.down - before.down };
        },
        close() {
          for (const socket of sockets) socket.destroy();
          server.close();
        },
      }),
    );
  });
}

function expectStatus(what, { status, text }, expected = 200) {
  if (status !== expected) throw new Error(`${what}: HTTP ${status} (expected ${expected}): ${text.slice(0, 300)}`);
}

/** meta lists the kept versions' records (DESIGN §7.7): the last 5, ascending, the pulled one last, with the device name. */
function expectKeptVersions(meta, pulled) {
  const listed = meta.versions.map((record) => record.version);
  const current = meta.versions.at(-1);
  const ok =
    JSON.stringify(listed) === JSON.stringify(meta.availableVersions) &&
    listed.length === HISTORY_KEEP &&
    current.version === pulled.version &&
    current.checksum === pulled.checksum &&
    meta.versions.every((record) => record.deviceName === DEVICE_NAME);
  if (!ok) throw new Error(`meta's versions do not list the kept records: ${JSON.stringify(meta).slice(0, 600)}`);
}

/**
 * For one snapshot: a fresh user pushes it, edits one key at a time up to a full history, then
 * the measured push (a one-key edit), pull and meta; the same bytes through the bare R2 routes.
 * @returns the bytes each way, the R2 calls per operation, and the pull body for the client bench.
 */
export async function measureWire({ url, relay, runId, size, data }) {
  const user = `bench-wire-${runId}-${size.bytes}`;
  const token = await devToken(url, user);
  const api = syncApi(relay.url, token);
  const deviceId = 'bench-wire';
  const ops = {};
  const countOps = async (name, call) => {
    await r2Ops(url, { reset: true });
    const result = await call();
    ops[name] = await r2Ops(url);
    return result;
  };

  let version = 0;
  let snapshot = await preparedSnapshot(data);
  const first = await countOps('first push', () => api.push(pushBodyText(snapshot, version, deviceId)));
  expectStatus('first push', first);
  version = JSON.parse(first.text).version;
  for (let n = 1; n <= WARM_PUSHES; n++) {
    snapshot = await preparedSnapshot(editOneKey(data, n).data);
    const pushed = await api.push(pushBodyText(snapshot, version, deviceId));
    expectStatus(`warm-up push ${n}`, pushed);
    version = JSON.parse(pushed.text).version;
  }

  const edit = editOneKey(data, WARM_PUSHES + 1);
  snapshot = await preparedSnapshot(edit.data);
  const pushBody = pushBodyText(snapshot, version, deviceId);
  const push = await relay.measure(() => countOps('push', () => api.push(pushBody)));
  expectStatus('measured push', push.result);
  version = JSON.parse(push.result.text).version;

  // The same kind of edit as a patch push (what the SDK sends), then each form timed in turn.
  const patchEdit = editOneKey(snapshot.data, WARM_PUSHES + 2);
  const patchSnapshot = await preparedSnapshot(patchEdit.data);
  const patch = patchBody(snapshot, patchSnapshot, version, deviceId);
  const patchPush = await relay.measure(() => countOps('patch push', () => api.push(patch.body, patch.gzip)));
  expectStatus('patch push', patchPush.result);
  version = JSON.parse(patchPush.result.text).version;
  snapshot = patchSnapshot;
  const times = { full: [], patch: [] };
  for (let n = 0; n < TIMED_PUSHES; n++) {
    for (const form of ['full', 'patch']) {
      const next = await preparedSnapshot(
        editOneKey(snapshot.data, WARM_PUSHES + 3 + 2 * n + (form === 'patch' ? 1 : 0)).data,
      );
      const encoded =
        form === 'full'
          ? { body: pushBodyText(next, version, deviceId), gzip: false }
          : patchBody(snapshot, next, version, deviceId);
      const started = performance.now();
      const pushed = await api.push(encoded.body, encoded.gzip);
      times[form].push(performance.now() - started);
      expectStatus(`timed ${form} push`, pushed);
      version = JSON.parse(pushed.text).version;
      snapshot = next;
    }
  }

  // A device one version behind a one-key edit (pushed as the SDK pushes it) pulls what changed (DESIGN §9).
  const behind = snapshot;
  const pulledEdit = editOneKey(behind.data, WARM_PUSHES + 3 + 2 * TIMED_PUSHES);
  snapshot = await preparedSnapshot(pulledEdit.data);
  const editPush = patchBody(behind, snapshot, version, deviceId);
  const edited = await api.push(editPush.body, editPush.gzip);
  expectStatus('push before the patch pull', edited);
  version = JSON.parse(edited.text).version;
  const patchPull = await relay.measure(() => countOps('patch pull', () => api.pull(version - 1)));
  expectStatus('patch pull', patchPull.result);
  await expectPatchPull(patchPull.result.text, behind, snapshot, version);

  const pull = await relay.measure(() => countOps('pull', () => api.pull()));
  expectStatus('pull', pull.result);
  const pulled = recordOf(pull.result.text);
  if (pulled.version !== version || pulled.checksum !== snapshot.checksum) {
    throw new Error(
      `pull after push answered v${pulled.version} ${pulled.checksum}, expected v${version} ${snapshot.checksum}`,
    );
  }
  const meta = await relay.measure(() => countOps('meta', () => api.meta()));
  expectStatus('meta', meta.result);
  expectKeptVersions(JSON.parse(meta.result.text), pulled);

  const bare = bareR2(relay.url, `wire-${runId}-${size.bytes}`);
  const barePut = await relay.measure(() => countOps('bare put', () => bare.put(pushBody)));
  expectStatus('bare put', barePut.result);
  const bareGet = await relay.measure(() => countOps('bare get', () => bare.get()));
  expectStatus('bare get', bareGet.result);

  const bytes = (text) => Buffer.byteLength(text);
  return {
    size,
    keys: Object.keys(data).length,
    snapshotBytes: snapshot.bytes,
    changeBytes: edit.changeBytes,
    push: { up: push.up, down: push.down, bodyUp: bytes(pushBody), gzipUp: gzipSync(pushBody).length },
    patch: {
      up: patchPush.up,
      down: patchPush.down,
      bodyUp: patch.bytes,
      changeBytes: patchEdit.changeBytes,
      gzip: patch.gzip,
      fitsKeepalive: patch.bytes <= KEEPALIVE_MAX_BYTES,
    },
    pushMs: { full: median(times.full), patch: median(times.patch), n: TIMED_PUSHES },
    pull: { up: pull.up, down: pull.down, bodyDown: bytes(pull.result.text), encoding: pull.result.encoding },
    patchPull: {
      up: patchPull.up,
      down: patchPull.down,
      bodyDown: bytes(patchPull.result.text),
      changeBytes: pulledEdit.changeBytes,
      fullDown: pull.down,
    },
    meta: { up: meta.up, down: meta.down, bodyDown: bytes(meta.result.text) },
    barePut: { up: barePut.up, down: barePut.down },
    bareGet: { up: bareGet.up, down: bareGet.down },
    ops,
    pullBody: pull.result.text,
  };
}
