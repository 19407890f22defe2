// One measured request for bench/memory.mjs, run in a fresh Node process with a capped V8 heap
// (`--max-old-space-size`). Bundled by esbuild with the Worker's own code (worker/src/index.ts,
// `cloudflare:workers` aliased to bench/memory-env.mjs). Reads its inputs from files (so they
// arrive as bytes outside the heap, as a request body and R2 objects do in workerd), runs a small
// warm-up request, collects garbage, prints the heap it holds then ("baseline"), runs the measured
// request and exits 0 only if it answered 200. Running out of heap kills the process (exit code
// 134): the parent searches for the smallest heap in which the request still answers. Run with
// `prepare` instead of an operation, it stores the base data with one full push (uncapped) and
// writes what R2 then holds to files, which every measured run loads as its stored state.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { signDevToken } from '../worker/src/dev-token.ts';
import { createWorker } from '../worker/src/index.ts';
import { BENCH_APP, BENCH_SECRET } from './memory-env.mjs';

/**
 * R2 as the Worker sees it, with every object's bytes outside the V8 heap (a Buffer), as R2's are
 * outside the isolate: a `put` encodes the string it gets (workerd copies it out for the upload)
 * and a `get` hands back a body whose `text()` decodes a new string, so only the Worker's own
 * strings and objects are in the heap. Conditional puts on `etagMatches` / `etagDoesNotMatch: '*'`.
 */
class OffHeapBucket {
  objects = new Map();
  #etags = 0;

  async head(key) {
    const stored = this.objects.get(key);
    return stored ? this.#describe(key, stored) : null;
  }

  async get(key) {
    const stored = this.objects.get(key);
    if (!stored) return null;
    const response = new Response(stored.bytes);
    return Object.assign(this.#describe(key, stored), { body: response.body, text: () => response.text() });
  }

  async put(key, value, options = {}) {
    const existing = this.objects.get(key);
    const { etagMatches, etagDoesNotMatch } = options.onlyIf ?? {};
    if (etagMatches !== undefined && existing?.etag !== etagMatches) return null;
    if (etagDoesNotMatch === '*' && existing) return null;
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
    if (options.sha256 !== undefined && createHash('sha256').update(bytes).digest('hex') !== options.sha256)
      throw new Error('sha256 mismatch');
    const stored = { bytes, etag: `e${++this.#etags}`, customMetadata: { ...(options.customMetadata ?? {}) } };
    this.objects.set(key, stored);
    return this.#describe(key, stored);
  }

  async delete(keys) {
    for (const key of [keys].flat()) this.objects.delete(key);
  }

  async list({ prefix = '' } = {}) {
    const objects = [...this.objects.keys()]
      .filter((key) => key.startsWith(prefix))
      .sort()
      .map((key) => this.#describe(key, this.objects.get(key)));
    return { objects, truncated: false, delimitedPrefixes: [] };
  }

  #describe(key, { bytes, etag, customMetadata }) {
    return { key, size: bytes.byteLength, etag, httpEtag: `"${etag}"`, customMetadata: { ...customMetadata } };
  }
}

const [operation, inputDir] = process.argv.slice(2);
const bucket = new OffHeapBucket();
const worker = createWorker({ bucket: () => bucket });
const env = { BACKUPS: bucket, SYNC_APPS: BENCH_APP, JWT_SECRET: BENCH_SECRET, ALLOWED_ORIGINS: '' };
const token = (sub) => signDevToken(BENCH_SECRET, { sub, subscriptions: ['taco_club'] });
const api = `https://sync.example/api/sync/${BENCH_APP}`;
const MEASURED_PREFIX = `sync/measured/${BENCH_APP}/`;

async function send(sub, method, path, body) {
  const headers = { Authorization: `Bearer ${await token(sub)}`, 'Content-Type': 'application/json' };
  const response = await worker.fetch(new Request(`${api}/${path}`, { method, headers, body }), env);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${method} ${path}: HTTP ${response.status}`);
}

const input = (name) => readFileSync(`${inputDir}/${name}`);

// Warm-up on another account: compiles the Worker's code and jose's, so the baseline holds them.
await send('warmup', 'POST', 'push', input('warmup-push.json'));
await send('warmup', 'POST', 'push', input('warmup-patch.json'));
await send('warmup', 'GET', 'pull');

// The measured account's stored state, as bytes: what a full push of the base data wrote (prepared
// once per size by an uncapped run, so the setup's own peak is never what the search measures).
if (operation === 'prepare') {
  await send('measured', 'POST', 'push', input('base-push.json'));
  const index = {};
  for (const [key, { bytes, etag, customMetadata }] of bucket.objects) {
    if (!key.startsWith(MEASURED_PREFIX)) continue;
    const name = key.slice(MEASURED_PREFIX.length);
    index[name] = { etag, customMetadata, file: `stored-${Object.keys(index).length}` };
    writeFileSync(`${inputDir}/${index[name].file}`, bytes);
  }
  writeFileSync(`${inputDir}/stored.json`, JSON.stringify(index));
  process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
  process.exit(0);
}
for (const [name, { etag, customMetadata, file }] of Object.entries(
  JSON.parse(input('stored.json').toString('utf8')),
)) {
  bucket.objects.set(MEASURED_PREFIX + name, { bytes: input(file), etag, customMetadata });
}
const body = operation === 'pull' ? undefined : input(operation === 'push' ? 'push.json' : 'patch.json');
globalThis.gc();
globalThis.gc();
process.stdout.write(`${JSON.stringify({ baseline: process.memoryUsage().heapUsed })}\n`);
const cpuBefore = process.cpuUsage();
await send('measured', operation === 'pull' ? 'GET' : 'POST', operation === 'pull' ? 'pull' : 'push', body);
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(`${JSON.stringify({ ok: true, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
