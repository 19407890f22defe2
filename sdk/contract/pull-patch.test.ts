import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { composePatches, isPatchPull } from './pull-patch.js';
import { applyPatch, patchBetween } from './push-patch.js';
import { snapshotFromEntries } from './snapshot.js';
import { isPushPatch, parsePullAnswer } from './wire.js';

const snapshots = fc
  .dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', '10', 'a')), fc.string())
  .map((d) => snapshotFromEntries(Object.entries(d)));
const CHECKSUM = 'a'.repeat(64);
const META = {
  version: 3,
  checksum: 'b'.repeat(64),
  deviceId: 'device-a',
  lastModified: '2026-12-01T00:00:00.000Z',
  size: 9,
};

describe('patch pulls in the contract', () => {
  it('the composed patches of a run of versions lead from the first to the last, as one patch', () => {
    fc.assert(
      fc.property(fc.array(snapshots, { minLength: 1, maxLength: 6 }), (versions) => {
        const patches = versions.slice(1).map((next, i) => patchBetween(versions[i]!, next));
        const composed = composePatches(patches);
        expect(isPushPatch(composed)).toBe(true);
        expect(canonicalJson(applyPatch(versions[0]!, composed))).toBe(canonicalJson(versions.at(-1)!));
      }),
    );
  });

  it('parses a patch answer and a full answer, and tells them apart', () => {
    const patch = {
      success: true,
      baseVersion: 2,
      baseChecksum: CHECKSUM,
      patch: { set: { a: '1' }, remove: ['b'] },
      meta: META,
      availableVersions: [2, 3],
      versions: [],
    };
    const parsed = parsePullAnswer(patch);
    expect(parsed).toEqual({ ok: true, value: patch });
    expect(parsed.ok && isPatchPull(parsed.value)).toBe(true);
    const full = parsePullAnswer({ success: true, data: { a: '1' }, meta: META, availableVersions: [3], versions: [] });
    expect(full.ok && isPatchPull(full.value)).toBe(false);
  });

  it.each([
    ['a key both set and removed', { patch: { set: { a: '1' }, remove: ['a'] } }],
    ['a value that is not a string', { patch: { set: { a: 1 }, remove: [] } }],
    ['no base checksum', { baseChecksum: undefined }],
    ['a base version that is not a version', { baseVersion: -1 }],
    ['no meta', { meta: undefined }],
  ])('refuses a patch answer with %s', (_, spoil) => {
    const body = {
      success: true,
      baseVersion: 2,
      baseChecksum: CHECKSUM,
      patch: { set: {}, remove: [] },
      meta: META,
      availableVersions: [3],
      ...spoil,
    };
    expect(parsePullAnswer(body).ok).toBe(false);
  });
});
