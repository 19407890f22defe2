// Peak V8 heap of the Worker's own push and pull code per MB of stored data (issue 22, DESIGN §11):
// a full push, a patch push (one-key edit) and a pull at 1, 5 and 10 MB, and at 10 MB in 100,000
// keys (the key cap). Each request runs in a fresh Node process (bench/memory-child.mjs, bundled
// with worker/src by esbuild) whose old generation is capped with `--max-old-space-size`; a binary
// search finds the smallest cap in which it still answers 200. V8 collects everything it can
// (last-resort full GCs) before it gives up, so that cap is the request's peak of live heap plus
// what the process held before it; the baseline is measured after a warm-up and subtracted.
// `node bench/memory.mjs` runs this part alone and prints its table; `npm run bench` includes it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { editOneKey, KEY_PREFIX, makeSnapshot } from './snapshots.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const MIB = 1024 * 1024;
/** The operations measured, as the child names them. */
const OPERATIONS = [
  { id: 'push', label: 'full push' },
  { id: 'patch', label: 'patch push (one key)' },
  { id: 'pull', label: 'pull' },
];
/** Snapshot sizes (UTF-8 bytes of canonical JSON); the last has as many keys as the key cap allows. */
export const MEMORY_SIZES = [
  { label: '1 MB', bytes: 1_000_000 },
  { label: '5 MB', bytes: 5_000_000 },
  { label: '10 MB', bytes: 10_000_000 },
  { label: '10 MB, 100,000 keys', bytes: 10_000_000, keys: 100_000 },
];
/** The search stops when the passing and failing caps are this close (MiB), or 3 % of the cap. */
const RESOLUTION_MIB = 1;
/** A Workers isolate's memory (Cloudflare's limits page). */
export const ISOLATE_MIB = 128;

const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
const canonical = (data) =>
  `{${Object.keys(data)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${JSON.stringify(data[key])}`)
    .join(',')}}`;

/** `keys` keys of about equal size filling `targetBytes`: the key cap's worst case for memory. */
function manyKeysSnapshot(targetBytes, keys) {
  const valueLength = Math.floor(targetBytes / keys) - 22;
  const data = {};
  for (let i = 0; i < keys; i++) data[`${KEY_PREFIX}k${String(i).padStart(7, '0')}`] = `${i}`.padEnd(valueLength, 'x');
  return data;
}

/** Writes the bodies the child sends: warm-up pushes, the base data's push, a full push and a patch push of a one-key edit. */
function writeInputs(dir, size) {
  const base = size.keys ? manyKeysSnapshot(size.bytes, size.keys) : makeSnapshot(size.bytes);
  const baseChecksum = sha256(canonical(base));
  const edited = size.keys ? { ...base, [`${KEY_PREFIX}k0000000`]: 'edited' } : editOneKey(base, 1).data;
  const [key] = Object.keys(edited).filter((k) => edited[k] !== base[k]);
  const checksum = sha256(canonical(edited));
  const fields = (version, sum) => ({
    version,
    checksum: sum,
    deviceId: 'bench-memory',
    timestamp: new Date().toISOString(),
    deviceName: 'Bench',
  });
  const warm = { [`${KEY_PREFIX}a`]: 'one', [`${KEY_PREFIX}b`]: 'two' };
  const warmPatched = { ...warm, [`${KEY_PREFIX}a`]: 'three' };
  const files = {
    'warmup-push.json': { ...fields(0, sha256(canonical(warm))), data: warm },
    'warmup-patch.json': {
      ...fields(1, sha256(canonical(warmPatched))),
      baseChecksum: sha256(canonical(warm)),
      patch: { set: { [`${KEY_PREFIX}a`]: 'three' }, remove: [] },
    },
    'base-push.json': { ...fields(0, baseChecksum), data: base },
    'push.json': { ...fields(1, checksum), baseChecksum, data: edited },
    'patch.json': { ...fields(1, checksum), baseChecksum, patch: { set: { [key]: edited[key] }, remove: [] } },
  };
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(body));
  return { keys: Object.keys(base).length, dataBytes: Buffer.byteLength(canonical(base), 'utf8') };
}

function runChild(script, args, capMib) {
  const flags = capMib ? [`--max-old-space-size=${capMib}`, '--max-semi-space-size=1'] : [];
  const run = spawnSync(process.execPath, ['--expose-gc', ...flags, script, ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * MIB,
  });
  const lines = run.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  const done = lines.find((line) => line.ok);
  if (run.status === 0 && done)
    return { ok: true, baseline: lines.find((line) => 'baseline' in line)?.baseline, cpuMs: done.cpuMs };
  if (/heap out of memory|Reached heap limit/i.test(run.stderr)) return { ok: false };
  throw new Error(
    `memory child ${args.join(' ')} at ${capMib} MiB failed (exit ${run.status}, signal ${run.signal}):\n${run.stderr.slice(-2000)}`,
  );
}

/** The smallest old-generation cap (MiB) in which `operation` answers 200, and the baseline heap. */
function smallestHeap(script, operation, dir) {
  let passing = null;
  let cap = 64;
  for (; !passing; cap *= 2) {
    if (cap > 4096) throw new Error(`${operation} did not finish in a 4 GiB heap`);
    const run = runChild(script, [operation, dir], cap);
    if (run.ok) passing = { cap, baseline: run.baseline };
  }
  let failing = Math.floor(passing.baseline / MIB);
  while (passing.cap - failing > Math.max(RESOLUTION_MIB, passing.cap * 0.03)) {
    const middle = Math.round((passing.cap + failing) / 2);
    const run = runChild(script, [operation, dir], middle);
    if (run.ok) passing = { cap: middle, baseline: run.baseline };
    else failing = middle;
  }
  return { capMib: passing.cap, baselineMib: passing.baseline / MIB };
}

/**
 * Measures every operation at every size.
 * @returns {Promise<{ size: object, keys: number, dataBytes: number, operation: string, capMib: number, baselineMib: number, peakMib: number, perMb: number, cpuMs: number }[]>}
 */
export async function measureMemory({ log = () => {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'taco-sync-memory-'));
  const script = join(dir, 'memory-child.mjs');
  try {
    await build({
      entryPoints: [join(root, 'bench/memory-child.mjs')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: script,
      alias: { 'cloudflare:workers': join(root, 'bench/memory-env.mjs') },
      logLevel: 'warning',
    });
    const rows = [];
    for (const size of MEMORY_SIZES) {
      const { keys, dataBytes } = writeInputs(dir, size);
      runChild(script, ['prepare', dir]);
      for (const { id, label } of OPERATIONS) {
        const { capMib, baselineMib } = smallestHeap(script, id, dir);
        const peakMib = capMib - baselineMib;
        // CPU time of the request with V8's default heap (near the cap it would mostly be GC).
        const { cpuMs } = runChild(script, [id, dir]);
        rows.push({
          size,
          keys,
          dataBytes,
          operation: label,
          capMib,
          baselineMib,
          peakMib,
          perMb: peakMib / (dataBytes / 1e6),
          cpuMs,
        });
        log(
          `${size.label} ${label}: ${peakMib.toFixed(1)} MiB above a ${baselineMib.toFixed(1)} MiB baseline (${(peakMib / (dataBytes / 1e6)).toFixed(1)} MiB per MB)`,
        );
      }
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { memorySection } = await import('./report.mjs');
  const started = performance.now();
  const rows = await measureMemory({ log: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(`\n${memorySection(rows)}\n\n(${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
}
