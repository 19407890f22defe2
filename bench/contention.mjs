// Correctness when pushes really race: many devices of ONE user push in a closed loop, each
// rebasing on the server version a 409 reports. Every acknowledged push is read back at its
// version at once, and no version may be acknowledged twice.
import { editOneKey } from './snapshots.mjs';
import { devToken, preparedSnapshot, pushBodyText, recordOf, syncApi } from './sync-api.mjs';

export const CONTENTION_DEVICES = 16;
export const CONTENTION_MS = 3000;
const MAX_ATTEMPTS_PER_DEVICE = 200;
/** Versions the Worker keeps in history (DESIGN §5). */
const HISTORY_KEEP = 5;

/**
 * @param {{ url: string, runId: string, data: Record<string, string>, failures: string[] }} options
 * @returns {{ attempts: number, acknowledged: number, conflicts: number, readBack: number, prunedBeforeRead: number, finalVersion: number }}
 */
export async function checkContention({ url, runId, data, failures }) {
  const api = syncApi(url, await devToken(url, `bench-race-${runId}`));
  const devices = await Promise.all(
    Array.from({ length: CONTENTION_DEVICES }, async (_, i) => ({
      id: `racer-${i}`,
      snapshots: [
        await preparedSnapshot(editOneKey(data, 2 * i).data),
        await preparedSnapshot(editOneKey(data, 2 * i + 1).data),
      ],
      version: 0,
    })),
  );
  const acks = [];
  const stats = { attempts: 0, acknowledged: 0, conflicts: 0, readBack: 0, prunedBeforeRead: 0, finalVersion: 0 };
  const deadline = performance.now() + CONTENTION_MS;

  await Promise.all(
    devices.map(async (device) => {
      for (let n = 0; n < MAX_ATTEMPTS_PER_DEVICE && performance.now() < deadline; n++) {
        const snapshot = device.snapshots[n % 2];
        stats.attempts++;
        const answer = await api.push(pushBodyText(snapshot, device.version, device.id));
        const body = JSON.parse(answer.text);
        if (answer.status === 409) {
          stats.conflicts++;
          device.version = body.serverVersion;
          continue;
        }
        if (answer.status !== 200) {
          failures.push(`race ${device.id}: push answered HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
          return;
        }
        acks.push({ version: body.version, checksum: snapshot.checksum, device: device.id });
        stats.acknowledged++;
        device.version = body.version;
        const read = await api.history(body.version);
        if (read.status === 200 && recordOf(read.text).checksum === snapshot.checksum) {
          stats.readBack++;
          continue;
        }
        // Only a version that HISTORY_KEEP newer ones have pushed out of the kept window may be gone.
        const current = JSON.parse((await api.meta()).text).meta?.version ?? 0;
        if (read.status === 404 && current >= body.version + HISTORY_KEEP) stats.prunedBeforeRead++;
        else
          failures.push(
            `race ${device.id}: acknowledged v${body.version} reads back as HTTP ${read.status} (current v${current})`,
          );
      }
    }),
  );

  const versions = acks.map((ack) => ack.version).sort((a, b) => a - b);
  const twice = versions.filter((version, i) => versions[i - 1] === version);
  if (twice.length > 0) failures.push(`race: versions acknowledged twice: ${[...new Set(twice)].join(', ')}`);
  const meta = JSON.parse((await api.meta()).text).meta;
  stats.finalVersion = meta?.version ?? 0;
  // Every committed version was acknowledged to someone (no push lost its answer here).
  if (stats.finalVersion !== acks.length || versions.some((version, i) => version !== i + 1)) {
    failures.push(`race: ${acks.length} acknowledgements for ${stats.finalVersion} versions: ${versions.join(',')}`);
  }
  const newest = acks.find((ack) => ack.version === stats.finalVersion);
  if (meta && newest?.checksum !== meta.checksum)
    failures.push(`race: current v${meta.version} is not the push acknowledged at it`);
  return stats;
}
