// The benchmark's side of the wire: dev tokens, push bodies and the Worker's endpoints over fetch.
// Checksums come from the package's own contract build (dist/contract.js), never a copy.
import { gzipSync } from 'node:zlib';
import { applyPatch, canonicalJson, patchBetween, sha256Hex } from '../dist/contract.js';

export const APP = 'tenure';

/**
 * A snapshot ready to push many times: its canonical JSON (spliced into bodies as `data`, the same
 * bytes as `JSON.stringify` of it for these keys) and its checksum.
 * @param {Record<string, string>} data
 */
export async function preparedSnapshot(data) {
  const canonical = canonicalJson(data);
  return { data, canonical, checksum: await sha256Hex(canonical), bytes: Buffer.byteLength(canonical) };
}

/** The device name every bench push carries, as the SDK's pushes do (DESIGN §7.5). */
export const DEVICE_NAME = 'Chrome on Linux';

/** The JSON text of a push of `snapshot` against `version`. */
export function pushBodyText(snapshot, version, deviceId) {
  return (
    `{"data":${snapshot.canonical},"version":${version},"checksum":"${snapshot.checksum}",` +
    `"deviceId":"${deviceId}","deviceName":"${DEVICE_NAME}","timestamp":"${new Date().toISOString()}"}`
  );
}

/**
 * The body a one-key edit goes out as, as the SDK builds it (DESIGN §8): a patch against the base
 * with its checksum, gzip-compressed when it is at least 1 KiB and shrinks by 10 % (sdk/platform/push-encoding.ts).
 * @returns {{ text: string, body: string | Buffer, gzip: boolean, bytes: number }}
 */
export function patchBody(base, snapshot, version, deviceId) {
  const text = JSON.stringify({
    patch: patchBetween(base.data, snapshot.data),
    version,
    baseChecksum: base.checksum,
    checksum: snapshot.checksum,
    deviceId,
    deviceName: DEVICE_NAME,
    timestamp: new Date().toISOString(),
  });
  const bytes = Buffer.byteLength(text);
  const compressed = bytes >= 1024 ? gzipSync(text) : null;
  return compressed && compressed.length <= bytes * 0.9
    ? { text, body: compressed, gzip: true, bytes: compressed.length }
    : { text, body: text, gzip: false, bytes };
}

/**
 * Checks a patch pull answer end to end: a patch against `base` (its version and checksum) whose
 * result is exactly `next`, the current version.
 * @throws Error otherwise
 */
export async function expectPatchPull(text, base, next, version) {
  const answer = JSON.parse(text);
  if (!answer.patch)
    throw new Error(`pull since v${version - 1} answered the full data, not a patch: ${text.slice(0, 200)}`);
  const result = await sha256Hex(canonicalJson(applyPatch(base.data, answer.patch)));
  if (answer.baseChecksum !== base.checksum || answer.meta.version !== version || result !== next.checksum)
    throw new Error(`patch pull does not lead from the base to v${version}: ${text.slice(0, 300)}`);
}

/** A dev token for `sub` from the dev Worker (`GET /__dev/token`). */
export async function devToken(baseUrl, sub) {
  const response = await fetch(`${baseUrl}/__dev/token?sub=${encodeURIComponent(sub)}&subscriptions=taco_club`);
  if (!response.ok) throw new Error(`dev token for ${sub}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()).token;
}

/**
 * The sync endpoints of one user (one token) at `baseUrl`. Each call answers
 * `{ status, text, encoding }` once the whole body is read, so timings include the transfer
 * (`encoding`: the response's Content-Encoding, if the runtime compressed it).
 */
export function syncApi(baseUrl, token) {
  const api = `${baseUrl}/api/sync/${APP}`;
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const call = async (url, init = {}) => {
    const response = await fetch(url, { headers, ...init });
    return { status: response.status, text: await response.text(), encoding: response.headers.get('content-encoding') };
  };
  return {
    push: (body, gzip = false) =>
      call(`${api}/push`, {
        method: 'POST',
        body,
        ...(gzip && { headers: { ...headers, 'Content-Encoding': 'gzip' } }),
      }),
    /** With `since`, the version the device holds: the Worker may answer the changes since it (DESIGN §9). */
    pull: (since) => call(since === undefined ? `${api}/pull` : `${api}/pull?since=${since}`),
    meta: () => call(`${api}/meta`),
    history: (version) => call(`${api}/history/${version}`),
  };
}

/** The bare R2 floor in the same Worker (dev-only `/__dev/bench/r2/:key`). */
export function bareR2(baseUrl, key) {
  const url = `${baseUrl}/__dev/bench/r2/${key}`;
  return {
    put: async (body) => {
      const response = await fetch(url, { method: 'PUT', body });
      return { status: response.status, text: await response.text() };
    },
    get: async () => {
      const response = await fetch(url);
      return { status: response.status, text: await response.text() };
    },
  };
}

/** The R2 calls the dev Worker counted since the last reset; `reset` zeroes them. */
export async function r2Ops(baseUrl, { reset = false } = {}) {
  const response = await fetch(`${baseUrl}/__dev/bench/r2-ops`, { method: reset ? 'POST' : 'GET' });
  if (!response.ok) throw new Error(`r2-ops: HTTP ${response.status}`);
  return response.json();
}

/**
 * The version record at the end of a pull or history body (`..."meta":{...}` or
 * `..."meta":{...},"availableVersions":[...]}`), read without parsing the data before it.
 */
export function recordOf(bodyText) {
  const at = bodyText.lastIndexOf(',"meta":');
  if (at < 0) throw new Error(`no meta in body: ${bodyText.slice(0, 200)}`);
  const tail = bodyText.slice(at + ',"meta":'.length);
  const end = tail.indexOf('}');
  return JSON.parse(tail.slice(0, end + 1));
}
