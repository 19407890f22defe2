import {
  canonicalJson,
  composePatches,
  isPushPatch,
  isSnapshot,
  patchBetween,
  type PushPatch,
  type Snapshot,
  type VersionRecord,
} from '../../sdk/contract/index.js';
import { HttpError } from './http-error.js';
import { recordMetadata } from './record-metadata.js';

/**
 * The change log of DESIGN §9: beside each kept version's history file, `history/{v}.patch.json`
 * holds what version v changed against version v-1 (`{ set, remove }`, as a patch push carries it),
 * with v's record as metadata plus the checksum of v-1 (`baseChecksum`). A pull that names the
 * version the device holds is then answered from these few small files, composed, without reading
 * or parsing the whole data. The files are written after the commit and deleted with their history
 * file; a missing one only means the full data is answered.
 */

/** Metadata key of a change file: the checksum of the version it changes (v-1). */
const BASE_CHECKSUM_KEY = 'baseChecksum';

/**
 * A patch answer may be this many bytes larger than the data itself (the envelope of a small store);
 * beyond that the full data is answered, as it is smaller.
 */
export const CHANGE_SLACK_BYTES = 1024;

const JSON_CONTENT = { contentType: 'application/json; charset=utf-8' };

/** The R2 calls of the change log, made by the store (each failure already a 503 {@link HttpError}). */
export interface ChangeFiles {
  /** history/{v}.json's text when it holds exactly `record` (the data of v-1 for a full push's diff), else null. */
  historyText(record: VersionRecord): Promise<string | null>;
  /** Creates history/{v}.patch.json (create-only: one already there is left as it is). */
  put(version: number, text: string, options: R2PutOptions): Promise<unknown>;
  /** history/{v}.patch.json when it carries exactly `record`, else null (a stale file reads as missing). */
  get(record: VersionRecord): Promise<R2ObjectBody | null>;
  /** The text of an object `get` returned. */
  text(object: R2ObjectBody): Promise<string>;
}

/** What a commit changed: the patch a patch push sent, or the full data of a full push (diffed against v-1). */
export type CommittedChange = { patch: PushPatch } | { data: Snapshot };

/** The changes from `baseVersion` to the current version, as a patch pull answers them. */
export interface ChangesSince {
  baseVersion: number;
  /** Checksum of the data of `baseVersion`. */
  baseChecksum: string;
  patch: PushPatch;
}

const patchJson = ({ set, remove }: PushPatch): string =>
  `{"set":${canonicalJson(set)},"remove":${JSON.stringify([...remove].sort())}}`;

/**
 * Writes what the newest of `versions` changed against the one before it. Best effort, like
 * meta.json: the version is committed and acknowledged either way, and a version without its
 * change file is served by full pulls. The first version has none (no device holds version 0).
 */
export async function recordChange(
  versions: readonly VersionRecord[],
  change: CommittedChange,
  files: ChangeFiles,
): Promise<void> {
  const record = versions.at(-1);
  const previous = versions.at(-2);
  if (!record || previous?.version !== record.version - 1) return;
  try {
    const patch = 'patch' in change ? change.patch : await diffAgainst(previous, change.data, files);
    if (!patch) return;
    await files.put(record.version, patchJson(patch), {
      onlyIf: { etagDoesNotMatch: '*' },
      customMetadata: { ...recordMetadata(record), [BASE_CHECKSUM_KEY]: previous.checksum },
      httpMetadata: JSON_CONTENT,
    });
  } catch (error) {
    console.error(`change of version ${record.version} not recorded (pulls of it get the full data)`, error);
  }
}

async function diffAgainst(previous: VersionRecord, data: Snapshot, files: ChangeFiles): Promise<PushPatch | null> {
  const text = await files.historyText(previous);
  const base: unknown = text === null ? null : JSON.parse(text);
  return isSnapshot(base) ? patchBetween(base, data) : null;
}

/**
 * The changes from version `since` to `record` (the current version), composed from the change
 * files of every version after `since`, or null when the full data must be answered: `since` is
 * not kept (or ahead of `record`), a change file is missing, stale or malformed, or the changes
 * outweigh the data. Reads one small file per version; never the data itself. `since` equal to
 * the current version is an empty patch.
 */
export async function changesSince(
  record: VersionRecord,
  versions: readonly VersionRecord[],
  since: number,
  files: ChangeFiles,
): Promise<ChangesSince | null> {
  if (since === record.version)
    return { baseVersion: since, baseChecksum: record.checksum, patch: { set: {}, remove: [] } };
  const wanted = versions.filter((kept) => kept.version > since);
  if (since < 1 || since > record.version || wanted.length !== record.version - since) return null;
  const objects = await Promise.all(wanted.map((kept) => files.get(kept)));
  const bytes = objects.reduce((sum, object) => sum + (object?.size ?? Infinity), 0);
  const baseChecksums = objects.map((object) => object?.customMetadata?.[BASE_CHECKSUM_KEY]);
  const chained = baseChecksums.every(
    (base, i) =>
      base !== undefined &&
      (i === 0
        ? versions.every((kept) => kept.version !== since || kept.checksum === base)
        : base === wanted[i - 1]!.checksum),
  );
  if (!chained || bytes > record.size + CHANGE_SLACK_BYTES) {
    await Promise.all(objects.map((object) => object?.body.cancel()));
    return null;
  }
  const patches: unknown[] = [];
  for (const object of objects) patches.push(parsedOrNull(await files.text(object!)));
  if (!patches.every(isPushPatch)) return null;
  return { baseVersion: since, baseChecksum: baseChecksums[0]!, patch: composePatches(patches) };
}

const parsedOrNull = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

/**
 * The `since` of a pull (`?since=N`, the version the device holds), or null without one.
 *
 * @throws HttpError BAD_REQUEST when it is not one non-negative integer.
 */
export function sinceOf(query: Record<string, unknown>): number | null {
  const since = query.since;
  if (since === undefined) return null;
  const version = Number(since);
  if (typeof since !== 'string' || !/^(0|[1-9]\d*)$/.test(since) || !Number.isSafeInteger(version))
    throw new HttpError('BAD_REQUEST', '`since` must be a non-negative integer');
  return version;
}

/** The body of a patch pull: the composed changes, the current record and the kept versions' records, as a full pull has them. */
export function patchPullResponse(
  { baseVersion, baseChecksum, patch }: ChangesSince,
  record: VersionRecord,
  versions: readonly VersionRecord[],
): Response {
  const kept = `"availableVersions":${JSON.stringify(versions.map((v) => v.version))},"versions":${JSON.stringify(versions)}`;
  return new Response(
    `{"success":true,"baseVersion":${baseVersion},"baseChecksum":${JSON.stringify(baseChecksum)},"patch":${patchJson(patch)},"meta":${JSON.stringify(record)},${kept}}`,
    {
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    },
  );
}
