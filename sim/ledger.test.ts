import { describe, expect, it } from 'vitest';
import { Ledger } from './ledger.js';

const current = (version: number, deviceId: string, data: Record<string, string>): string =>
  `{"meta":${JSON.stringify({ version, checksum: `c${version}`, deviceId })},"data":${JSON.stringify(data)}}`;
const KEY = 'sync/user1/tenure/current.json';

describe('the ledger', () => {
  it('accepts a version that changes only what the pushing device edited, knowing the value before', () => {
    const ledger = new Ledger(() => 0);
    const a = ledger.newToken(['user1']);
    const b = ledger.newToken(['user1']);
    ledger.edit('d2', 't_a', a, b);
    ledger.bucketWrite(KEY, null, current(1, 'd1', { t_a: a }));
    ledger.bucketWrite(KEY, current(1, 'd1', { t_a: a }), current(2, 'd2', { t_a: b }));
    expect(ledger.violations).toEqual([]);
  });

  it('reports a version that overwrites a value its device never saw, unless a person chose it', () => {
    const ledger = new Ledger(() => 0);
    const [a, b, c] = [ledger.newToken(['user1']), ledger.newToken(['user1']), ledger.newToken(['user1'])];
    ledger.edit('d2', 't_a', a, c);
    ledger.bucketWrite(KEY, null, current(1, 'd1', { t_a: a }));
    ledger.bucketWrite(KEY, current(1, 'd1', { t_a: a }), current(2, 'd1', { t_a: b }));
    ledger.bucketWrite(KEY, current(2, 'd1', { t_a: b }), current(3, 'd2', { t_a: c }));
    expect(ledger.violations.map((v) => v.invariant)).toEqual(['no-silent-overwrite', 'no-silent-overwrite']);
    ledger.allowKeepLocal('user1', 'd2', 3);
    ledger.bucketWrite(KEY, current(3, 'd2', { t_a: c }), current(4, 'd2', { t_a: a }));
    expect(ledger.violations).toHaveLength(2);
  });

  it('reports a version that empties the server without a person choosing it, even after edits that removed every key', () => {
    const ledger = new Ledger(() => 0);
    const a = ledger.newToken(['user1']);
    ledger.edit('d1', 't_a', a, null);
    ledger.bucketWrite(KEY, null, current(1, 'd1', { t_a: a }));
    ledger.bucketWrite(KEY, current(1, 'd1', { t_a: a }), current(2, 'd1', {}));
    expect(ledger.violations.map((v) => v.invariant)).toEqual(['no-silent-overwrite']);
    ledger.allowKeepLocal('user1', 'd1', 2);
    ledger.bucketWrite(KEY, current(2, 'd1', {}), current(3, 'd1', { t_a: a }));
    ledger.bucketWrite(KEY, current(3, 'd1', { t_a: a }), current(4, 'd1', {}));
    expect(ledger.violations).toHaveLength(2);
  });

  it("reports another account's value in a commit, a backup or a local view", () => {
    const ledger = new Ledger(() => 0);
    const mine = ledger.newToken(['user2']);
    ledger.bucketWrite(KEY, null, current(1, 'd1', { t_a: mine }));
    ledger.backupAdded('d1', 'user1', { t_a: mine });
    ledger.replaced('d1', 'user1', {}, { t_a: mine }, 'd1/tab0');
    expect(ledger.violations.map((v) => v.invariant)).toEqual([
      'no-cross-account',
      'no-cross-account',
      'no-cross-account',
    ]);
  });

  it('reports a replaced edit that reached neither the server nor a backup', () => {
    const ledger = new Ledger(() => 0);
    const unsynced = ledger.newToken(['user1']);
    ledger.replaced('d1', 'user1', { t_a: unsynced }, {}, 'd1/tab0');
    expect(ledger.violations.map((v) => v.invariant)).toEqual(['no-lost-edit']);
    ledger.backupAdded('d1', 'user1', { t_a: unsynced });
    ledger.replaced('d1', 'user1', { t_a: unsynced }, {}, 'd1/tab0');
    expect(ledger.violations).toHaveLength(1);
  });
});
