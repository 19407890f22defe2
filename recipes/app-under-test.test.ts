// An app's own test of its sync wiring, with Vitest: happy-dom, fake-indexeddb and a fake endpoint.
// vitest.config.ts: test: { environment: 'happy-dom', setupFiles: ['fake-indexeddb/auto'] }
import { IDBFactory } from 'fake-indexeddb';
import { createSync, keyPrefixAdapter } from 'taco-sync';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { fakeSyncEndpoint } from './fake-endpoint.js';

let endpoint: ReturnType<typeof fakeSyncEndpoint>;

/** The app's manager, as the app creates it, with the endpoint's fetch and a token that allows the app. */
function notesSync() {
  return createSync({
    app: 'notes',
    endpoint: 'https://sync.test',
    getToken: () => 'test-token',
    subscriptions: ['sync_notes'],
    adapter: keyPrefixAdapter({ prefixes: ['notes_'] }),
    fetch: endpoint.fetch,
  });
}

beforeEach(() => {
  // Only timers and Date: IndexedDB and WebCrypto keep their own scheduling.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  endpoint = fakeSyncEndpoint();
  // A fresh device for each test: empty localStorage and IndexedDB.
  localStorage.clear();
  globalThis.indexedDB = new IDBFactory();
});
afterEach(() => void vi.useRealTimers());

it('pushes a note 30 s after the last edit', async () => {
  const sync = notesSync();
  sync.onReplace(() => {});
  await sync.start();
  localStorage.setItem('notes_text', 'hello');
  sync.notifyChanged();
  await vi.advanceTimersByTimeAsync(29_000);
  expect(endpoint.data('notes')).toBeUndefined();
  await vi.advanceTimersByTimeAsync(1_000);
  await vi.waitFor(() => expect(endpoint.data('notes')).toEqual({ notes_text: 'hello' }), { timeout: 10_000 });
  sync.stop();
});

it("shows another device's note after syncNow, and tells the app", async () => {
  const sync = notesSync();
  const replaced = vi.fn();
  sync.onReplace(replaced);
  await sync.start();
  await endpoint.push('notes', { notes_text: 'from the phone' });
  await sync.syncNow();
  expect(localStorage.getItem('notes_text')).toBe('from the phone');
  expect(replaced).toHaveBeenCalledWith({ keys: ['notes_text'], reason: 'pull' });
  expect(sync.getState()).toMatchObject({ status: 'synced', version: 1 });
  sync.stop();
});

it('a later edit reaches the endpoint too (the SDK sends the full data when a patch is refused)', async () => {
  const sync = notesSync();
  sync.onReplace(() => {});
  localStorage.setItem('notes_text', 'first');
  await sync.start();
  localStorage.setItem('notes_text', 'second');
  sync.notifyChanged();
  await sync.syncNow();
  expect(endpoint.data('notes')).toEqual({ notes_text: 'second' });
  expect(sync.getState()).toMatchObject({ status: 'synced', version: 2 });
  sync.stop();
});
