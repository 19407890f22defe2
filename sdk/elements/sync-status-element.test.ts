import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { NetworkError } from '../core/errors.js';
import type { SyncState } from '../core/sync-state.js';
import { defineTacoSyncElements } from './define.js';
import type { SyncActionErrorDetail } from './events.js';
import { FakeSyncManager } from './fake-sync-manager.js';
import { TIME_REFRESH_MS } from './manager-element.js';
import type { TacoSyncStatusElement } from './sync-status-element.js';

const NOW = Date.parse('2026-11-10T12:00:00Z');

function mount(state: Partial<SyncState> = {}): { element: TacoSyncStatusElement; manager: FakeSyncManager } {
  const manager = new FakeSyncManager(state);
  const element = document.createElement('taco-sync-status');
  element.manager = manager;
  document.body.append(element);
  return { element, manager };
}

function part(element: Element, name: string): HTMLElement {
  const found = element.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
  if (!found) throw new Error(`no part ${name}`);
  return found;
}

const text = (element: Element, name: string): string => part(element, name).textContent!.trim();
const minutesAgo = (minutes: number): string => new Date(NOW - minutes * 60_000).toISOString();
const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

beforeAll(() => defineTacoSyncElements());
afterEach(() => {
  document.body.replaceChildren();
  vi.useRealTimers();
});

describe('<taco-sync-status>', () => {
  describe('shows each status with its text and control', () => {
    it.each<[string, Partial<SyncState>, string, RegExp, boolean]>([
      ['synced', { status: 'synced', lastSyncedAt: minutesAgo(2) }, 'Synced', /Last synced 2 min ago/, true],
      ['idle', { status: 'idle' }, 'Not syncing', /Not synced yet/, true],
      [
        'pending',
        { status: 'pending', pendingSince: minutesAgo(1), lastSyncedAt: minutesAgo(60 * 3) },
        'Changes waiting',
        /Last synced 3 h ago/,
        true,
      ],
      [
        'pending while retrying',
        {
          status: 'pending',
          pendingSince: minutesAgo(2),
          error: { code: 'NETWORK', message: 'TypeError: Failed to fetch' },
          nextRetryAt: minutesAgo(-1),
        },
        'Changes waiting',
        /^Could not reach the sync server\. Check your connection\. Retrying automatically\.$/,
        true,
      ],
      [
        'retrying with nothing waiting',
        {
          status: 'pending',
          error: { code: 'NETWORK', message: 'TypeError: Failed to fetch' },
          nextRetryAt: minutesAgo(-1),
        },
        'Retrying',
        /^Could not reach the sync server\. Check your connection\. Retrying automatically\.$/,
        true,
      ],
      ['syncing', { status: 'syncing' }, 'Syncing…', /Not synced yet/, false],
      [
        'offline with changes',
        { status: 'offline', online: false, pendingSince: minutesAgo(5) },
        'Offline',
        /saved on this device and will sync when you are back online/,
        false,
      ],
      ['conflict', { status: 'conflict' }, 'Needs your choice', /Choose which copy to keep/, false],
      [
        'error',
        { status: 'error', error: { code: 'PAYLOAD_TOO_LARGE', message: 'Body exceeds MAX_BODY_BYTES' } },
        'Sync failed',
        /^Your data is too large for the sync server\.$/,
        true,
      ],
      [
        'disabled',
        {
          status: 'disabled',
          disabledReason: 'No subscription allows sync for "demo" (needs sync_demo, sync_all or taco_club).',
        },
        'Sync off',
        /^Your account does not include sync for this app\.$/,
        false,
      ],
      [
        'signed out',
        { status: 'disabled', disabledReason: 'Not signed in', pendingSince: minutesAgo(3) },
        'Sync off',
        /^You are not signed in\. Your changes are kept on this device\.$/,
        false,
      ],
    ])('%s', (_name, state, label, detail, canSync) => {
      vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
      const { element } = mount(state);
      expect(text(element, 'label')).toBe(label);
      expect(text(element, 'detail')).toMatch(detail);
      expect(part(element, 'button').getAttribute('aria-disabled')).toBe(String(!canSync));
      expect(part(element, 'root').dataset.status).toBe(state.status);
    });
  });

  it('gives the disabled button its reason as a description', () => {
    const { element } = mount({ status: 'offline', online: false });
    const button = part(element, 'button');
    expect(button.getAttribute('aria-describedby')).toBe('detail');
    expect(element.shadowRoot!.getElementById('detail')!.textContent).toMatch(/back online/);
    expect(button.title).toBe('You are offline.');
  });

  it('marks the badge as a polite live status region', () => {
    const { element } = mount({ status: 'synced' });
    const badge = part(element, 'badge');
    expect(badge.getAttribute('role')).toBe('status');
    expect(badge.getAttribute('aria-live')).toBe('polite');
  });

  it('labels its button "Sync now"', () => {
    const { element } = mount({ status: 'synced' });
    expect(text(element, 'button')).toBe('Sync now');
    expect(part(element, 'button').tagName).toBe('BUTTON');
  });

  it('follows state changes the manager publishes', () => {
    const { element, manager } = mount({ status: 'pending' });
    manager.setState({ status: 'synced', lastSyncedAt: new Date().toISOString() });
    expect(text(element, 'label')).toBe('Synced');
    expect(text(element, 'detail')).toBe('Last synced just now.');
  });

  it('refreshes "last synced" as time passes', () => {
    vi.useFakeTimers({ now: NOW });
    const { element } = mount({ status: 'synced', lastSyncedAt: new Date(NOW).toISOString() });
    expect(text(element, 'detail')).toBe('Last synced just now.');
    vi.advanceTimersByTime(4 * TIME_REFRESH_MS);
    expect(text(element, 'detail')).toBe('Last synced 2 min ago.');
  });

  it('stops refreshing once removed from the document', () => {
    vi.useFakeTimers({ now: NOW });
    const { element } = mount({ status: 'synced', lastSyncedAt: new Date(NOW).toISOString() });
    element.remove();
    vi.advanceTimersByTime(4 * TIME_REFRESH_MS);
    expect(text(element, 'detail')).toBe('Last synced just now.');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('calls syncNow when "Sync now" is clicked', () => {
    const { element, manager } = mount({ status: 'pending' });
    part(element, 'button').click();
    expect(manager.calls).toEqual([{ method: 'syncNow' }]);
  });

  it('does not call syncNow while the button is unavailable', () => {
    const { element, manager } = mount({ status: 'offline', online: false });
    part(element, 'button').click();
    expect(manager.calls).toEqual([]);
  });

  it('shows a busy button while syncNow runs and ignores further clicks', async () => {
    const { element, manager } = mount({ status: 'pending' });
    manager.holdCalls();
    const button = part(element, 'button');
    button.click();
    button.click();
    expect(manager.calls).toHaveLength(1);
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect(button.getAttribute('aria-disabled')).toBe('true');
    manager.settle();
    await flush();
    expect(button.hasAttribute('aria-busy')).toBe(false);
    expect(button.getAttribute('aria-disabled')).toBe('false');
  });

  it('shows the error of a failed syncNow and dispatches taco-sync-error', async () => {
    const { element, manager } = mount({ status: 'pending' });
    manager.holdCalls();
    const events: CustomEvent<SyncActionErrorDetail>[] = [];
    document.addEventListener('taco-sync-error', (event) => events.push(event), { once: true });
    part(element, 'button').click();
    const failure = new NetworkError('NETWORK', 'TypeError: Failed to fetch');
    manager.fail(failure);
    await flush();
    const error = part(element, 'error');
    expect(error.hidden).toBe(false);
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toBe('Sync now failed: Could not reach the sync server. Check your connection.');
    expect(error.title).toBe('NETWORK: TypeError: Failed to fetch');
    expect(events[0]?.detail).toEqual({ action: 'syncNow', error: failure });
  });

  describe('says what failed in words a person understands, with the technical message as tooltip', () => {
    it.each<[string, SyncState['error'], string]>([
      [
        'an unreachable server',
        { code: 'NETWORK', message: 'TypeError: Failed to fetch' },
        'Could not reach the sync server. Check your connection.',
      ],
      [
        'a 404 without a body',
        { code: 'BAD_REQUEST', message: 'HTTP 404' },
        'The sync server did not accept the data from this device.',
      ],
      [
        'an unknown app',
        { code: 'NOT_FOUND', message: 'Unknown app' },
        'The sync server does not offer sync for this app. The app may be set up wrongly.',
      ],
      [
        'a full local store',
        {
          code: 'LOCAL',
          message:
            "Nothing written: QuotaExceededError: Failed to execute 'setItem' on 'Storage': Setting the value of 'todos' exceeded the quota.",
        },
        'This device has no room left to save the data. Nothing was changed.',
      ],
      [
        'a refused token',
        { code: 'AUTH', message: 'Error: token expired' },
        'Your sign-in was not accepted. Sign in again to sync.',
      ],
    ])('%s', (_name, error, words) => {
      const { element } = mount({ status: 'error', error });
      expect(text(element, 'detail')).toBe(words);
      expect(text(element, 'detail')).not.toContain(error!.message);
      expect(part(element, 'detail').title).toBe(`${error!.code}: ${error!.message}`);
    });
  });

  it('keeps the gating reason for developers in the tooltip', () => {
    const reason = 'No subscription allows sync for "demo" (needs sync_demo, sync_all or taco_club).';
    const { element } = mount({ status: 'disabled', disabledReason: reason });
    expect(text(element, 'detail')).not.toContain('sync_demo');
    expect(part(element, 'detail').title).toBe(reason);
  });

  it('says "Changes waiting" only while there are unsynced changes', () => {
    const { element, manager } = mount({
      status: 'pending',
      error: { code: 'NETWORK', message: 'TypeError: Failed to fetch' },
    });
    expect(text(element, 'label')).not.toBe('Changes waiting');
    manager.setState({ pendingSince: new Date().toISOString() });
    expect(text(element, 'label')).toBe('Changes waiting');
    manager.setState({ status: 'idle', pendingSince: null, error: undefined });
    expect(text(element, 'label')).toBe('Not syncing');
  });

  describe('reload offer', () => {
    it.each([
      ['newer-data', /Newer data from another device is ready\. Reload to see it/],
      ['replaced', /Your data was updated since this page loaded\. Reload to see the current data/],
    ] as const)('offers a reload when reloadReason is %s', (reloadReason, words) => {
      const { element } = mount({ status: 'synced', reloadReason });
      expect(text(element, 'label')).toBe('Update ready');
      expect(part(element, 'reload-offer').hidden).toBe(false);
      expect(text(element, 'reload-offer')).toMatch(words);
      expect(part(element, 'reload').textContent).toBe('Reload');
    });

    it('offers no reload while reloadReason is null', () => {
      const { element, manager } = mount({ status: 'synced', reloadReason: 'replaced' });
      manager.setState({ reloadReason: null });
      expect(part(element, 'reload-offer').hidden).toBe(true);
    });

    it('reloads the page when "Reload" is clicked', () => {
      const reload = vi.spyOn(window.location, 'reload').mockImplementation(() => {});
      const { element } = mount({ status: 'synced', reloadReason: 'newer-data' });
      const seen: string[] = [];
      element.addEventListener('taco-sync-reload', (event) => seen.push(event.detail.reason));
      part(element, 'reload').click();
      expect(seen).toEqual(['newer-data']);
      expect(reload).toHaveBeenCalledTimes(1);
      reload.mockRestore();
    });

    it('leaves the reload to the app when it cancels taco-sync-reload', () => {
      const reload = vi.spyOn(window.location, 'reload').mockImplementation(() => {});
      const { element } = mount({ status: 'synced', reloadReason: 'replaced' });
      document.addEventListener('taco-sync-reload', (event) => event.preventDefault(), { once: true });
      part(element, 'reload').click();
      expect(reload).not.toHaveBeenCalled();
      reload.mockRestore();
    });

    it('keeps the Reload button in compact mode', () => {
      const { element } = mount({ status: 'synced', reloadReason: 'replaced' });
      element.compact = true;
      expect(part(element, 'reload-offer').hidden).toBe(false);
    });
  });

  it('notes a local state problem, with its message as the tooltip', () => {
    const problem = 'IndexedDB: QuotaExceededError';
    const { element, manager } = mount({ status: 'synced', localStateProblem: problem });
    expect(part(element, 'local-state').hidden).toBe(false);
    expect(text(element, 'local-state')).toMatch(/keeps working while this page is open/);
    expect(part(element, 'local-state').title).toBe(problem);
    manager.setState({ localStateProblem: null });
    expect(part(element, 'local-state').hidden).toBe(true);
  });

  it('clears a shown error once the manager reports synced', async () => {
    const { element, manager } = mount({ status: 'pending' });
    manager.holdCalls();
    part(element, 'button').click();
    manager.fail(new Error('offline'));
    await flush();
    manager.setState({ status: 'synced', lastSyncedAt: new Date().toISOString() });
    expect(part(element, 'error').hidden).toBe(true);
  });

  it('unsubscribes when removed and resubscribes when added again', () => {
    const { element, manager } = mount({ status: 'pending' });
    expect(manager.listenerCount).toBe(1);
    element.remove();
    expect(manager.listenerCount).toBe(0);
    manager.setState({ status: 'synced' });
    document.body.append(element);
    expect(manager.listenerCount).toBe(1);
    expect(text(element, 'label')).toBe('Synced');
  });

  it('moves its subscription when given another manager', () => {
    const { element, manager } = mount({ status: 'pending' });
    const other = new FakeSyncManager({ status: 'error', error: { code: 'NETWORK', message: 'down' } });
    element.manager = other;
    expect(manager.listenerCount).toBe(0);
    expect(other.listenerCount).toBe(1);
    expect(text(element, 'label')).toBe('Sync failed');
  });

  it('says it is not connected when no manager is set', () => {
    const element = document.createElement('taco-sync-status');
    document.body.append(element);
    expect(text(element, 'label')).toBe('Not connected');
    expect(part(element, 'button').getAttribute('aria-disabled')).toBe('true');
  });

  it('takes a manager assigned before the element was upgraded', () => {
    const manager = new FakeSyncManager({ status: 'synced' });
    const host = document.createElement('div');
    host.innerHTML = '<taco-sync-status></taco-sync-status>';
    const early = host.firstElementChild as TacoSyncStatusElement;
    // Simulate a property set on a not-yet-upgraded element: an own data property hiding the accessor.
    Object.defineProperty(early, 'manager', { value: manager, writable: true, configurable: true });
    document.body.append(host);
    expect(early.manager).toBe(manager);
    expect(manager.listenerCount).toBe(1);
    expect(text(early, 'label')).toBe('Synced');
  });

  it('reflects the compact property to the attribute that hides the detail', () => {
    const { element } = mount({ status: 'synced' });
    element.compact = true;
    expect(element.hasAttribute('compact')).toBe(true);
    element.compact = false;
    expect(element.hasAttribute('compact')).toBe(false);
    element.setAttribute('compact', '');
    expect(element.compact).toBe(true);
  });

  it('reads compact="false" from server-rendered HTML (Solid SSR of compact={false}) as not compact, and shows the detail', () => {
    const host = document.createElement('div');
    host.innerHTML =
      '<taco-sync-status compact="false"></taco-sync-status><taco-sync-status compact="true"></taco-sync-status>';
    document.body.append(host);
    const [notCompact, compact] = [...host.children] as TacoSyncStatusElement[];
    const detailShown = (element: TacoSyncStatusElement) =>
      getComputedStyle(element.shadowRoot!.querySelector('.detail')!).display !== 'none';
    expect(notCompact!.compact).toBe(false);
    expect(compact!.compact).toBe(true);
    expect(detailShown(notCompact!)).toBe(true);
    expect(detailShown(compact!)).toBe(false);
    host.remove();
  });

  it('takes compact assigned before the element was upgraded', () => {
    const host = document.createElement('div');
    host.innerHTML = '<taco-sync-status></taco-sync-status>';
    const early = host.firstElementChild as TacoSyncStatusElement;
    Object.defineProperty(early, 'compact', { value: true, writable: true, configurable: true });
    document.body.append(host);
    expect(early.hasAttribute('compact')).toBe(true);
  });
});
