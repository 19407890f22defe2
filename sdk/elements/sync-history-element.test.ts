import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VersionRecord } from '../contract/index.js';
import { NetworkError } from '../core/errors.js';
import type { LocalBackup } from '../core/sync-manager.js';
import type { SyncState } from '../core/sync-state.js';
import { defineTacoSyncElements } from './define.js';
import type { SyncActionErrorDetail, SyncRestoredDetail } from './events.js';
import { FakeSyncManager } from './fake-sync-manager.js';
import type { TacoSyncHistoryElement } from './sync-history-element.js';
import { TIME_REFRESH_MS } from './manager-element.js';

const NOW = Date.parse('2026-11-10T12:00:00Z');
const minutesAgo = (minutes: number): string => new Date(NOW - minutes * 60_000).toISOString();

const record = (version: number, minutes: number, deviceName?: string): VersionRecord => ({
  version,
  checksum: `sum${version}`,
  deviceId: `device-${version}`,
  lastModified: minutesAgo(minutes),
  size: 3_400 + version,
  ...(deviceName ? { deviceName } : {}),
});

const HISTORY = [record(3, 120, 'Chrome on Android'), record(4, 30), record(5, 5, 'Firefox on Linux')];
const BACKUP: LocalBackup = {
  id: 'b1',
  app: 'demo',
  createdAt: minutesAgo(60),
  reason: 'use-server',
  owner: 'user-1',
  baseVersion: 4,
  checksum: 'x',
  data: { todos: '[{"title":"Buy milk"}]', filter: 'all' },
};

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
};

async function mount(
  state: Partial<SyncState> = { status: 'synced', version: 5 },
  history = HISTORY,
  backups: LocalBackup[] = [BACKUP],
): Promise<{ element: TacoSyncHistoryElement; manager: FakeSyncManager }> {
  const manager = new FakeSyncManager(state);
  manager.setHistory(history);
  manager.setBackups(backups);
  const element = document.createElement('taco-sync-history');
  element.manager = manager;
  document.body.append(element);
  await flush();
  return { element, manager };
}

const shadow = (element: Element): ShadowRoot => element.shadowRoot!;
const items = (element: Element, kind: 'version' | 'backup'): HTMLElement[] => [
  ...shadow(element).querySelectorAll<HTMLElement>(`li[part~="${kind}"]`),
];
const message = (element: Element, list: 'versions' | 'backups'): HTMLElement =>
  shadow(element).querySelector<HTMLElement>(`[data-for="${list}"]`)!;
/** A button by its accessible text (visible text plus the visually hidden part). */
function button(scope: Element | ShadowRoot, name: string): HTMLButtonElement {
  const found = [...scope.querySelectorAll('button')].find((b) => b.textContent!.replace(/\s+/g, ' ').trim() === name);
  if (!found)
    throw new Error(
      `no button "${name}" in ${[...scope.querySelectorAll('button')].map((b) => b.textContent).join(' | ')}`,
    );
  return found;
}

beforeAll(() => defineTacoSyncElements());
beforeEach(() => vi.useFakeTimers({ now: NOW, toFake: ['Date'] }));
afterEach(() => {
  document.body.replaceChildren();
  vi.useRealTimers();
});

describe('<taco-sync-history>', () => {
  it("lists the server's kept versions newest first, with time, device name and size", async () => {
    const { element } = await mount();
    const rows = items(element, 'version').map((li) => li.querySelector('.what')!.textContent);
    expect(rows).toEqual([
      '5 min agoCurrentFirefox on Linux · 3.4 KB · version 5',
      '30 min agoUnnamed device · 3.4 KB · version 4',
      '2 h agoChrome on Android · 3.4 KB · version 3',
    ]);
  });

  it('keeps the device id and the exact time for developers in tooltips', async () => {
    const { element } = await mount();
    const newest = items(element, 'version')[0]!;
    expect(newest.querySelector<HTMLElement>('.meta')!.title).toBe('Device id device-5');
    expect(newest.querySelector<HTMLElement>('.when')!.title).not.toBe('');
  });

  it('lists bare version numbers, still restorable, from a Worker that sends no records', async () => {
    const manager = new FakeSyncManager({ status: 'synced', version: 2 });
    manager.setVersionsWithoutRecords([1, 2]);
    const element = document.createElement('taco-sync-history');
    element.manager = manager;
    document.body.append(element);
    await flush();
    const rows = items(element, 'version').map((li) => li.querySelector('.what')!.textContent);
    expect(rows).toEqual([
      'Version 2CurrentThe server did not say when or from where',
      'Version 1The server did not say when or from where',
    ]);
    button(shadow(element), 'Restore version 1').click();
    const confirm = shadow(element).querySelector<HTMLElement>('[part~="confirm"]')!;
    expect(confirm.textContent).toMatch(/^Make version 1 the newest version on every device\?/);
    button(confirm, 'Restore version 1').click();
    expect(manager.calls).toEqual([{ method: 'restore', version: 1 }]);
  });

  it('offers no restore for the current version', async () => {
    const { element } = await mount();
    const [current, older] = items(element, 'version');
    expect(current!.querySelector('button')).toBeNull();
    expect(button(older!, 'Restore version 4').getAttribute('aria-disabled')).toBe('false');
  });

  it('lists local backups with why they were kept and how much they hold', async () => {
    const { element } = await mount();
    const [backup] = items(element, 'backup');
    expect(backup!.querySelector('.what')!.textContent).toBe(
      '1 h agoKept before you chose the server data · 2 entries, 53 bytes',
    );
  });

  it('restores a version only after the confirmation', async () => {
    const { element, manager } = await mount();
    button(shadow(element), 'Restore version 3').click();
    expect(manager.calls).toEqual([]);
    const confirm = shadow(element).querySelector<HTMLElement>('[part~="confirm"]')!;
    expect(confirm.textContent).toMatch(
      /from Chrome on Android the newest version on every device\? What this device holds now is backed up here first\./,
    );
    button(confirm, 'Restore version 3').click();
    expect(manager.calls).toEqual([{ method: 'restore', version: 3 }]);
  });

  it('puts a backup back only after the confirmation', async () => {
    const { element, manager } = await mount();
    button(items(element, 'backup')[0]!, 'Put back the backup kept 1 h ago').click();
    expect(manager.calls).toEqual([]);
    button(shadow(element).querySelector('[part~="confirm"]')!, 'Put back').click();
    expect(manager.calls).toEqual([{ method: 'restoreBackup', id: 'b1' }]);
  });

  it('moves focus to Cancel when a confirmation opens, and back when it is cancelled', async () => {
    const { element, manager } = await mount();
    button(shadow(element), 'Restore version 4').click();
    expect(shadow(element).activeElement?.textContent).toBe('Cancel');
    button(shadow(element), 'Cancel').click();
    expect(shadow(element).querySelector('[part~="confirm"]')).toBeNull();
    expect(shadow(element).activeElement?.textContent?.replace(/\s+/g, ' ')).toBe('Restore version 4');
    expect(manager.calls).toEqual([]);
  });

  it('closes a confirmation on Escape without restoring', async () => {
    const { element, manager } = await mount();
    button(shadow(element), 'Restore version 4').click();
    shadow(element)
      .querySelector('[part~="confirm"]')!
      .dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(shadow(element).querySelector('[part~="confirm"]')).toBeNull();
    expect(manager.calls).toEqual([]);
  });

  it('dispatches taco-sync-restored and reads the lists again after a restore', async () => {
    const { element, manager } = await mount();
    const restored: SyncRestoredDetail[] = [];
    element.addEventListener('taco-sync-restored', (event) => restored.push(event.detail));
    const reads = manager.reads.history;
    button(shadow(element), 'Restore version 3').click();
    manager.setHistory([...HISTORY, record(6, 0, 'Firefox on Linux')]);
    button(shadow(element).querySelector('[part~="confirm"]')!, 'Restore version 3').click();
    await flush();
    expect(restored).toEqual([{ kind: 'version', version: 3 }]);
    expect(manager.reads.history).toBe(reads + 1);
    expect(items(element, 'version')).toHaveLength(4);
    expect(shadow(element).querySelector('[part~="confirm"]')).toBeNull();
    expect(shadow(element).querySelector('[role="status"]')!.textContent).toBe('Restored version 3.');
  });

  it('shows a failed restore in words inside the confirmation and dispatches taco-sync-error', async () => {
    const { element, manager } = await mount();
    manager.holdCalls();
    const errors: SyncActionErrorDetail[] = [];
    element.addEventListener('taco-sync-error', (event) => errors.push(event.detail));
    button(shadow(element), 'Restore version 3').click();
    button(shadow(element).querySelector('[part~="confirm"]')!, 'Restore version 3').click();
    const failure = new NetworkError('NETWORK', 'TypeError: Failed to fetch');
    manager.fail(failure);
    await flush();
    const error = shadow(element).querySelector<HTMLElement>('[part~="confirm"] [part~="error"]')!;
    expect(error.textContent).toBe('That did not work: Could not reach the sync server. Check your connection.');
    expect(error.title).toBe('NETWORK: TypeError: Failed to fetch');
    expect(errors).toEqual([{ action: 'restore', error: failure }]);
  });

  it('ignores further restore clicks while one runs', async () => {
    const { element, manager } = await mount();
    manager.holdCalls();
    button(shadow(element), 'Restore version 3').click();
    const confirm = (): HTMLElement => shadow(element).querySelector<HTMLElement>('[part~="confirm"]')!;
    button(confirm(), 'Restore version 3').click();
    expect(button(confirm(), 'Restore version 3').getAttribute('aria-busy')).toBe('true');
    button(confirm(), 'Restore version 3').click();
    button(items(element, 'backup')[0]!, 'Put back the backup kept 1 h ago').click();
    expect(manager.calls).toEqual([{ method: 'restore', version: 3 }]);
    manager.settle();
    await flush();
  });

  it('blocks restoring a version while offline, with the reason', async () => {
    const { element, manager } = await mount();
    manager.setState({ status: 'offline', online: false });
    await flush();
    const restore = button(shadow(element), 'Restore version 4');
    expect(restore.getAttribute('aria-disabled')).toBe('true');
    expect(restore.title).toBe('You are offline.');
    restore.click();
    expect(shadow(element).querySelector('[part~="confirm"]')).toBeNull();
  });

  it('reads the versions again when sync comes back online', async () => {
    const { element, manager } = await mount();
    manager.setState({ status: 'offline', online: false });
    await flush();
    const reads = manager.reads.history;
    manager.setState({ status: 'synced', online: true });
    await flush();
    expect(manager.reads.history).toBe(reads + 1);
    expect(button(shadow(element), 'Restore version 4').getAttribute('aria-disabled')).toBe('false');
  });

  it('does not ask the server while sync is off, and says why', async () => {
    const { element, manager } = await mount({ status: 'disabled', disabledReason: 'Not signed in' });
    expect(manager.reads.history).toBe(0);
    expect(message(element, 'versions').textContent).toBe(
      'Sync is off, so the versions saved on the server are not shown.',
    );
    expect(items(element, 'backup')).toHaveLength(1);
  });

  it('says when nothing is saved yet and when there are no backups', async () => {
    const { element } = await mount({ status: 'synced', version: 0 }, [], []);
    expect(message(element, 'versions').textContent).toBe('Nothing is saved on the server yet.');
    expect(message(element, 'backups').textContent).toMatch(/^No backups yet\./);
  });

  it('says in words when the versions cannot be read, with the technical detail in a details element', async () => {
    const manager = new FakeSyncManager({ status: 'synced', version: 5 });
    manager.failHistory(new NetworkError('NETWORK', 'TypeError: Failed to fetch'));
    const element = document.createElement('taco-sync-history');
    element.manager = manager;
    document.body.append(element);
    await flush();
    const shown = message(element, 'versions');
    expect(shown.firstChild!.textContent).toBe(
      'Could not load the saved versions. Could not reach the sync server. Check your connection.',
    );
    expect(shown.querySelector('details code')!.textContent).toBe('NETWORK: TypeError: Failed to fetch');
  });

  it('reads the lists again when the version changes, not on every state change', async () => {
    const { manager } = await mount();
    const reads = manager.reads.history;
    manager.setState({ status: 'pending', pendingSince: new Date().toISOString() });
    await flush();
    expect(manager.reads.history).toBe(reads);
    manager.setState({ status: 'synced', version: 6, pendingSince: null });
    await flush();
    expect(manager.reads.history).toBe(reads + 1);
  });

  it('reads the lists again on Refresh', async () => {
    const { element, manager } = await mount();
    const reads = manager.reads.history;
    button(shadow(element), 'Refresh').click();
    await flush();
    expect(manager.reads.history).toBe(reads + 1);
  });

  it('keeps an open confirmation open when the lists are read again', async () => {
    const { element, manager } = await mount();
    button(shadow(element), 'Restore version 3').click();
    manager.setState({ version: 6 });
    await flush();
    expect(shadow(element).querySelector('[part~="confirm"]')).not.toBeNull();
    expect(shadow(element).activeElement?.textContent).toBe('Cancel');
  });

  it('redraws relative times as time passes and stops once removed', async () => {
    vi.useRealTimers();
    vi.useFakeTimers({ now: NOW, toFake: ['Date', 'setInterval', 'clearInterval'] });
    const { element } = await mount();
    const when = (): string => items(element, 'version')[0]!.querySelector('.when')!.textContent!;
    expect(when()).toBe('5 min ago');
    vi.advanceTimersByTime(20 * TIME_REFRESH_MS);
    expect(when()).toBe('15 min ago');
    element.remove();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('unsubscribes when removed from the document', async () => {
    const { element, manager } = await mount();
    element.remove();
    expect(manager.listenerCount).toBe(0);
  });
});
