import { describe, expect, it } from 'vitest';
import { decideSync, findUnconfirmedPush, type SyncFacts } from './sync-decision.js';
import { NEVER_SYNCED } from './sync-record-store.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const facts = (over: Partial<SyncFacts>): SyncFacts => ({
  baseVersion: 3,
  lastSyncedChecksum: A,
  localChecksum: A,
  localEmpty: false,
  server: { version: 3, checksum: A },
  ...over,
});

describe('decideSync (the start flow)', () => {
  it('same version and no local changes: in sync', () => {
    expect(decideSync(facts({}))).toEqual({ action: 'adopt', version: 3, checksum: A });
  });
  it('server newer and no local changes: pull', () => {
    expect(decideSync(facts({ server: { version: 5, checksum: B } }))).toEqual({ action: 'pull' });
  });
  it('server newer and local changes: conflict server-newer', () => {
    expect(decideSync(facts({ localChecksum: C, server: { version: 5, checksum: B } }))).toEqual({
      action: 'conflict',
      reason: 'server-newer',
    });
  });
  it('same version and local changes: push on that version', () => {
    expect(decideSync(facts({ localChecksum: C }))).toEqual({ action: 'push', version: 3 });
  });
  it('nothing on the server: push as the first version', () => {
    expect(decideSync(facts({ server: null }))).toEqual({ action: 'push', version: 0 });
    expect(decideSync(facts({ baseVersion: 0, lastSyncedChecksum: null, server: null }))).toEqual({
      action: 'push',
      version: 0,
    });
  });
  it('nothing on the server and an empty snapshot: nothing to send', () => {
    expect(decideSync(facts({ localEmpty: true, server: null }))).toEqual({
      action: 'adopt',
      version: 0,
      checksum: null,
    });
  });
  it('server behind this device but holding data: conflict server-behind', () => {
    expect(decideSync(facts({ baseVersion: 7, server: { version: 2, checksum: B } }))).toEqual({
      action: 'conflict',
      reason: 'server-behind',
    });
  });
  it('same version holding data this device never synced (a reset bucket) and local changes: conflict server-behind', () => {
    expect(decideSync(facts({ localChecksum: C, server: { version: 3, checksum: B } }))).toEqual({
      action: 'conflict',
      reason: 'server-behind',
    });
  });
  it('same version holding data this device never synced and no local changes: pull', () => {
    expect(decideSync(facts({ server: { version: 3, checksum: B } }))).toEqual({ action: 'pull' });
  });
  it('never synced, holding the same data as the server: adopt its version without conflict', () => {
    expect(
      decideSync(
        facts({ baseVersion: 0, lastSyncedChecksum: null, localChecksum: B, server: { version: 4, checksum: B } }),
      ),
    ).toEqual({ action: 'adopt', version: 4, checksum: B });
  });
  it('never synced and empty: pull', () => {
    expect(
      decideSync(
        facts({
          baseVersion: 0,
          lastSyncedChecksum: null,
          localEmpty: true,
          localChecksum: C,
          server: { version: 4, checksum: B },
        }),
      ),
    ).toEqual({ action: 'pull' });
  });
  it('never synced, holding different data: conflict first-sync', () => {
    expect(
      decideSync(
        facts({ baseVersion: 0, lastSyncedChecksum: null, localChecksum: C, server: { version: 4, checksum: B } }),
      ),
    ).toEqual({ action: 'conflict', reason: 'first-sync' });
  });
});

describe('findUnconfirmedPush', () => {
  const record = {
    ...NEVER_SYNCED,
    baseVersion: 3,
    lastSyncedChecksum: A,
    unconfirmed: [
      { version: 3, checksum: B },
      { version: 6, checksum: C },
    ],
  };
  const kept = (version: number, checksum: string, deviceId = 'me') => ({
    version,
    checksum,
    deviceId,
    lastModified: '2026-11-01T00:00:00.000Z',
    size: 2,
  });
  it('finds its own push one above a version it pushed against, anywhere in the kept history', () => {
    expect(findUnconfirmedPush(record, [kept(4, B), kept(5, A, 'phone')], 'me')?.kept.version).toBe(4);
    expect(findUnconfirmedPush(record, [kept(7, C)], 'me')?.sent).toEqual({ version: 6, checksum: C });
  });
  it('does not take another version, other data or another device for its own push', () => {
    expect(findUnconfirmedPush(record, [kept(5, B)], 'me')).toBeNull();
    expect(findUnconfirmedPush(record, [kept(4, C)], 'me')).toBeNull();
    expect(findUnconfirmedPush(record, [kept(4, B, 'phone')], 'me')).toBeNull();
    expect(findUnconfirmedPush(NEVER_SYNCED, [kept(1, A)], 'me')).toBeNull();
  });
});
