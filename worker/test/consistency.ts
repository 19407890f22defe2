import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import {
  applyPatch,
  canonicalJson,
  isPushPatch,
  sha256Hex,
  type Snapshot,
  type VersionRecord,
} from '../../sdk/contract/index.js';
import { call, json } from './helpers.js';

/**
 * Asserts what every reader sees is consistent: pull's data hashes to its meta checksum and is
 * the data committed as that version; each history file's bytes hash to its record's checksum
 * and hold that version's committed data (never data no commit made); every available version
 * can be fetched; each change file (history/{v}.patch.json) turns version v-1's committed data
 * into version v's, with both checksums in its metadata. `committed` maps each version that may
 * exist to its canonical JSON.
 *
 * @returns the current version (0 when nothing is stored).
 */
export async function expectConsistent(
  user: string,
  token: string,
  committed: ReadonlyMap<number, string>,
  app = 'tenure',
): Promise<number> {
  const pulled = await call(`/api/sync/${app}/pull`, { token });
  if (pulled.status === 404) {
    expect(await json(await call(`/api/sync/${app}/meta`, { token }))).toMatchObject({ exists: false });
  } else {
    expect(pulled.status).toBe(200);
    const body = (await pulled.json()) as { data: Snapshot; meta: VersionRecord; availableVersions: number[] };
    expect(await sha256Hex(canonicalJson(body.data))).toBe(body.meta.checksum);
    expect(canonicalJson(body.data)).toBe(committed.get(body.meta.version));
    expect(body.availableVersions.at(-1)).toBe(body.meta.version);
    for (const v of body.availableVersions) {
      const history = await call(`/api/sync/${app}/history/${v}`, { token });
      expect(history.status).toBe(200);
      const version = (await history.json()) as { data: Snapshot; meta: VersionRecord };
      expect(await sha256Hex(canonicalJson(version.data))).toBe(version.meta.checksum);
      expect(canonicalJson(version.data)).toBe(committed.get(v));
    }
  }

  const prefix = `sync/${user}/${app}/history/`;
  for (const object of (await env.BACKUPS.list({ prefix, include: ['customMetadata'] })).objects) {
    if (object.key.endsWith('.patch.json')) {
      await expectChangeConsistent(
        object,
        Number(object.key.slice(prefix.length).replace('.patch.json', '')),
        committed,
      );
      continue;
    }
    const version = Number(object.key.slice(prefix.length).replace('.json', ''));
    const text = await (await env.BACKUPS.get(object.key))!.text();
    expect(await sha256Hex(text)).toBe(object.customMetadata?.checksum);
    expect(text, `history/${version}.json holds data never committed as version ${version}`).toBe(
      committed.get(version),
    );
  }
  return pulled.status === 404
    ? 0
    : ((await json(await call(`/api/sync/${app}/meta`, { token }))).meta as VersionRecord).version;
}

/** A change file leads from the committed data of `version - 1` to that of `version`, and says so in its metadata. */
async function expectChangeConsistent(
  object: R2Object,
  version: number,
  committed: ReadonlyMap<number, string>,
): Promise<void> {
  const patch: unknown = JSON.parse(await (await env.BACKUPS.get(object.key))!.text());
  const before = committed.get(version - 1);
  const after = committed.get(version);
  expect(isPushPatch(patch), `history/${version}.patch.json is not a patch`).toBe(true);
  expect(after, `history/${version}.patch.json for a version never committed`).toBeDefined();
  expect(object.customMetadata?.checksum).toBe(await sha256Hex(after!));
  if (before === undefined) return;
  expect(object.customMetadata?.baseChecksum).toBe(await sha256Hex(before));
  expect(
    canonicalJson(applyPatch(JSON.parse(before) as Snapshot, patch as Parameters<typeof applyPatch>[1])),
    `history/${version}.patch.json does not lead from version ${version - 1} to ${version}`,
  ).toBe(after);
}
