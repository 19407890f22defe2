import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryBucket } from './memory-bucket.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('the simulated R2 bucket', () => {
  const bucket = (): MemoryBucket => new MemoryBucket(() => Date.parse('2026-11-01T00:00:00Z'));

  it('stores nothing and answers null when etagMatches names another etag or a missing key', async () => {
    const b = bucket();
    expect(await b.put('k', 'one', { onlyIf: { etagMatches: 'nope' } })).toBeNull();
    const first = await b.put('k', 'one');
    expect(await b.put('k', 'two', { onlyIf: { etagMatches: 'nope' } })).toBeNull();
    expect(await (await b.get('k'))!.text()).toBe('one');
    expect(await b.put('k', 'two', { onlyIf: { etagMatches: first!.etag } })).not.toBeNull();
    expect(await (await b.get('k'))!.text()).toBe('two');
  });

  it("creates only when etagDoesNotMatch is '*', and gives every different body a different etag", async () => {
    const b = bucket();
    const created = await b.put('k', 'one', { onlyIf: { etagDoesNotMatch: '*' } });
    expect(await b.put('k', 'other', { onlyIf: { etagDoesNotMatch: '*' } })).toBeNull();
    const again = await b.put('k', 'two');
    expect(again!.etag).not.toBe(created!.etag);
  });

  it('rejects a quoted etag, a wrong sha256 and custom metadata over 2 KiB, storing nothing', async () => {
    const b = bucket();
    const first = await b.put('k', 'one');
    await expect(b.put('k', 'two', { onlyIf: { etagMatches: first!.httpEtag } })).rejects.toThrow(/quotes/);
    await expect(b.put('k', 'two', { sha256: sha256('not two') })).rejects.toThrow(/SHA-256/);
    await expect(b.put('k', 'two', { customMetadata: { big: 'x'.repeat(2048) } })).rejects.toThrow(/metadata/);
    expect(await (await b.get('k'))!.text()).toBe('one');
    expect(await b.put('k', 'two', { sha256: sha256('two') })).not.toBeNull();
  });

  it('lists by prefix in pages with a cursor, with custom metadata only when included', async () => {
    const b = new MemoryBucket(
      () => 0,
      () => 2,
    );
    for (const key of ['p/3', 'p/1', 'q/1', 'p/2']) await b.put(key, key, { customMetadata: { name: key } });
    const first = await b.list({ prefix: 'p/' });
    expect(first.objects.map((o) => o.key)).toEqual(['p/1', 'p/2']);
    expect(first.truncated && first.objects[0]!.customMetadata).toBeUndefined();
    const rest = await b.list({
      prefix: 'p/',
      cursor: first.truncated ? first.cursor : '',
      include: ['customMetadata'],
    });
    expect(rest).toMatchObject({ truncated: false, objects: [{ key: 'p/3', customMetadata: { name: 'p/3' } }] });
  });

  it('deletes one key or many, ignoring missing ones, and reports each write with what the key held before', async () => {
    const b = bucket();
    const writes: string[] = [];
    b.onWrite = ({ key, before, after }) => void writes.push(`${key}:${before}->${after}`);
    await b.put('a', '1');
    await b.put('b', '2');
    await b.delete(['a', 'missing']);
    await b.delete('b');
    expect(writes).toEqual(['a:null->1', 'b:null->2', 'a:1->null', 'b:2->null']);
    expect(await b.head('a')).toBeNull();
  });
});
