import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SyncState } from '../core/sync-state.js';
import { defineTacoSyncElements } from './define.js';
import type { SyncActionErrorDetail } from './events.js';
import { FakeSyncManager } from './fake-sync-manager.js';
import { TIME_REFRESH_MS, type TacoSyncStatusElement } from './sync-status-element.js';

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
      ['pending', { status: 'pending', pendingSince: minutesAgo(1), lastSyncedAt: minutesAgo(60 * 3) }, 'Changes waiting', /Last synced 3 h ago/, true],
      ['pending while retrying', { status: 'pending', error: { code: 'NETWORK', message: 'Could not reach the server' }, nextRetryAt: minutesAgo(-1) }, 'Changes waiting', /^Could not reach the server\. Retrying automatically\.$/, true],
      ['syncing', { status: 'syncing' }, 'Syncing…', /Not synced yet/, false],
      ['offline with changes', { status: 'offline', online: false, pendingSince: minutesAgo(5) }, 'Offline', /saved on this device and will sync when you are back online/, false],
      ['conflict', { status: 'conflict' }, 'Needs your choice', /Choose which copy to keep/, false],
      ['error', { status: 'error', error: { code: 'PAYLOAD_TOO_LARGE', message: 'Your data is larger than 5 MB' } }, 'Sync failed', /Your data is larger than 5 MB\./, true],
      ['disabled', { status: 'disabled', disabledReason: 'Your subscription does not include sync.' }, 'Sync off', /Your subscription does not include sync\./, false],
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
    const failure = new Error('The server did not answer');
    manager.fail(failure);
    await flush();
    const error = part(element, 'error');
    expect(error.hidden).toBe(false);
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toBe('Sync now failed: The server did not answer');
    expect(events[0]?.detail).toEqual({ action: 'syncNow', error: failure });
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

  it('takes compact assigned before the element was upgraded', () => {
    const host = document.createElement('div');
    host.innerHTML = '<taco-sync-status></taco-sync-status>';
    const early = host.firstElementChild as TacoSyncStatusElement;
    Object.defineProperty(early, 'compact', { value: true, writable: true, configurable: true });
    document.body.append(host);
    expect(early.hasAttribute('compact')).toBe(true);
  });
});
