import {
  applyPatch,
  canonicalJson,
  parsePullAnswer,
  type Snapshot,
  type VersionRecord,
} from '../sdk/contract/index.js';
import type { World } from './world.js';

/** The server keeps this many versions (DESIGN §1): a `since` older than the current one minus this has aged out. */
const VERSIONS_KEPT = 5;

/**
 * What the pulls of a run asked and got (DESIGN §9), so a run shows that patch pulls, and the
 * full data for a base that aged out, were exercised: `full` (no `since`), `since: patch`,
 * `since: full, base aged out`, `since: full, base kept` (a change file missing, the changes
 * outweigh the data, or `since` ahead of a version number reused after a DELETE).
 */
export class PullCoverage {
  readonly counts: Record<string, number> = {};

  /** One pull answer that reached its page; `path` carries the query. */
  answered(path: string, status: number, body: string): void {
    if (!/\/pull(\?|$)/.test(path) || status !== 200) return;
    const since = /[?&]since=(\d+)/.exec(path)?.[1];
    const parsed = parsePullAnswer(JSON.parse(body));
    if (!parsed.ok) return this.add('malformed');
    if (since === undefined) return this.add('full');
    if ('patch' in parsed.value) return this.add('since: patch');
    this.add(
      Number(since) < parsed.value.meta.version - VERSIONS_KEPT
        ? 'since: full, base aged out'
        : 'since: full, base kept',
    );
  }

  private add(name: string): void {
    this.counts[name] = (this.counts[name] ?? 0) + 1;
  }
}

/**
 * A pull since the kept version `base` answers, when it answers a patch, one that starts at that
 * version's checksum and leads exactly to the current data; `fail` reports anything else.
 */
export async function checkPatchPull(
  world: World,
  user: string,
  base: { record: VersionRecord; data: Snapshot },
  current: { record: VersionRecord; data: Snapshot },
  fail: (message: string) => void,
): Promise<void> {
  const answer = await world.read(user, `/pull?since=${base.record.version}`);
  const parsed = parsePullAnswer(answer.body);
  if (answer.status !== 200 || !parsed.ok)
    return fail(
      `pull since v${base.record.version} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`,
    );
  if (!('patch' in parsed.value)) return;
  const { baseVersion, baseChecksum, patch, meta } = parsed.value;
  if (baseVersion !== base.record.version || baseChecksum !== base.record.checksum)
    fail(
      `pull since v${base.record.version} answers a patch against v${baseVersion} ${baseChecksum.slice(0, 8)}, not the kept ${base.record.checksum.slice(0, 8)}`,
    );
  if (
    meta.version !== current.record.version ||
    canonicalJson(applyPatch(base.data, patch)) !== canonicalJson(current.data)
  )
    fail(
      `pull since v${base.record.version} answers a patch that does not lead to the current v${current.record.version}`,
    );
}
