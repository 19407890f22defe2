// The Worker under `wrangler dev` with 1, 16 and 64 concurrent devices, each its own user (so
// pushes never conflict), against a bare R2 put/get of the same bytes in the same Worker. Loops are
// bounded by time and count; every answer is checked (see `checkAcknowledged`).
import { percentile } from './percentiles.mjs';
import { editOneKey } from './snapshots.mjs';
import { bareR2, devToken, preparedSnapshot, pushBodyText, recordOf, syncApi } from './sync-api.mjs';

export const CONCURRENCY = [1, 16, 64];
/** How long each phase starts new requests; requests in flight then still finish. */
export const PHASE_MS = 1500;
const MAX_REQUESTS_PER_DEVICE = 100;
/** Versions the Worker keeps in history (DESIGN §5): older ones are pruned by design. */
const HISTORY_KEEP = 5;
const CHECK_CONCURRENCY = 8;

/**
 * Runs `operation(device)` on every device in a closed loop until `PHASE_MS` has passed (each
 * device at least once). Answers latencies (ms) and throughput (requests/s over the phase's wall time).
 */
async function runPhase(devices, operation) {
  const latencies = [];
  const started = performance.now();
  const deadline = started + PHASE_MS;
  await Promise.all(
    devices.map(async (device) => {
      for (let n = 0; n < MAX_REQUESTS_PER_DEVICE; n++) {
        const t0 = performance.now();
        await operation(device);
        latencies.push(performance.now() - t0);
        if (performance.now() >= deadline) break;
      }
    }),
  );
  const wallMs = performance.now() - started;
  return {
    requests: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    perSecond: (latencies.length / wallMs) * 1000,
  };
}

/** The devices: one user and token each, with the versions their pushes were acknowledged at. */
async function makeDevices(url, runId, count) {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const user = `bench-load-${runId}-${i}`;
      const token = await devToken(url, user);
      return {
        id: `device-${i}`,
        api: syncApi(url, token),
        bare: bareR2(url, `load-${runId}-${i}`),
        version: 0,
        acks: [],
        pushes: 0,
      };
    }),
  );
}

/**
 * Every acknowledged push is readable at its version (the kept window, read through
 * history/{v}), the current version is the last acknowledged one, and versions were acknowledged
 * once each, in order. Adds a line to `failures` for each breach.
 */
async function checkAcknowledged(devices, failures) {
  for (let i = 0; i < devices.length; i += CHECK_CONCURRENCY) {
    await Promise.all(devices.slice(i, i + CHECK_CONCURRENCY).map((device) => checkDevice(device, failures)));
  }
}

async function checkDevice(device, failures) {
  const versions = device.acks.map((ack) => ack.version);
  if (new Set(versions).size !== versions.length)
    failures.push(`${device.id}: a version was acknowledged twice: ${versions.join(',')}`);
  const last = device.acks.at(-1);
  if (!last) return;
  const meta = JSON.parse((await device.api.meta()).text).meta;
  if (meta?.version !== last.version || meta?.checksum !== last.checksum) {
    failures.push(`${device.id}: current is v${meta?.version}, last acknowledged v${last.version}`);
  }
  for (const ack of device.acks.slice(-HISTORY_KEEP)) {
    const read = await device.api.history(ack.version);
    const record = read.status === 200 ? recordOf(read.text) : null;
    if (record?.checksum !== ack.checksum)
      failures.push(`${device.id}: acknowledged v${ack.version} reads back as HTTP ${read.status} ${record?.checksum}`);
  }
}

/**
 * For each snapshot and concurrency: push, pull, bare put and bare get phases.
 * @param {{ url: string, runId: string, cases: { size: object, data: Record<string, string> }[], failures: string[] }} options
 */
export async function measureLoad({ url, runId, cases, failures }) {
  const devices = await makeDevices(url, runId, Math.max(...CONCURRENCY));
  const rows = [];
  for (const { size, data } of cases) {
    // Two one-key edits, pushed in turn, so consecutive versions differ as real edits would.
    const variants = [
      await preparedSnapshot(editOneKey(data, 1).data),
      await preparedSnapshot(editOneKey(data, 2).data),
    ];
    for (const concurrency of CONCURRENCY) {
      const active = devices.slice(0, concurrency);
      const push = await runPhase(active, async (device) => {
        const snapshot = variants[device.pushes++ % 2];
        const answer = await device.api.push(pushBodyText(snapshot, device.version, device.id));
        const version = answer.status === 200 ? JSON.parse(answer.text).version : null;
        if (version !== device.version + 1) {
          failures.push(
            `${device.id}: push at v${device.version} answered HTTP ${answer.status} ${answer.text.slice(0, 200)}`,
          );
          return;
        }
        device.acks.push({ version, checksum: snapshot.checksum });
        device.version = version;
        device.bodyText = pushBodyText(snapshot, version, device.id);
      });
      const pull = await runPhase(active, async (device) => {
        const answer = await device.api.pull();
        const record = answer.status === 200 ? recordOf(answer.text) : null;
        const last = device.acks.at(-1);
        if (record?.version !== last?.version || record?.checksum !== last?.checksum) {
          failures.push(
            `${device.id}: pull answered HTTP ${answer.status} v${record?.version}, last acknowledged v${last?.version}`,
          );
        }
      });
      const barePut = await runPhase(active, async (device) => {
        const answer = await device.bare.put(device.bodyText);
        if (answer.status !== 200) failures.push(`${device.id}: bare put answered HTTP ${answer.status}`);
      });
      const bareGet = await runPhase(active, async (device) => {
        const answer = await device.bare.get();
        if (answer.status !== 200 || answer.text.length !== device.bodyText.length)
          failures.push(`${device.id}: bare get answered HTTP ${answer.status}`);
      });
      rows.push({ size, concurrency, push, pull, barePut, bareGet });
      process.stdout.write(
        `  load ${size.label} x${concurrency}: push p50 ${push.p50.toFixed(1)} ms, pull p50 ${pull.p50.toFixed(1)} ms\n`,
      );
    }
    await checkAcknowledged(devices, failures);
  }
  const acknowledged = devices.reduce((sum, device) => sum + device.acks.length, 0);
  return { rows, acknowledged };
}
