import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConflictInfo, SyncState } from '../core/sync-state.js';
import { defineTacoSyncElements } from './define.js';
import type { SyncActionErrorDetail, SyncResolvedDetail } from './events.js';
import { FakeSyncManager } from './fake-sync-manager.js';
import { KEYS_SHOWN_PER_KIND, type TacoSyncConflictElement } from './sync-conflict-element.js';

const CONFLICT: ConflictInfo = {
  reason: 'server-newer',
  localVersion: 11,
  serverVersion: 12,
  serverModified: new Date(Date.now() - 5 * 60_000).toISOString(),
  serverDeviceId: 'laptop-7f3a',
  diff: { added: ['tenure:notes'], removed: ['tenure:draft'], changed: ['tenure:settings', 'tenure:rates'] },
  local: { keys: 4, bytes: 812, modifiedAt: new Date(Date.now() - 2 * 60_000).toISOString(), deviceName: 'Firefox on Linux' },
  server: { keys: 4, bytes: 790, modifiedAt: new Date(Date.now() - 5 * 60_000).toISOString(), deviceName: 'Chrome on Android' },
  values: [],
};

const CONFLICT_STATE: Partial<SyncState> = { status: 'conflict', conflict: CONFLICT, version: 11 };

function mount(state: Partial<SyncState> = {}): { element: TacoSyncConflictElement; manager: FakeSyncManager } {
  const manager = new FakeSyncManager(state);
  const element = document.createElement('taco-sync-conflict');
  element.manager = manager;
  document.body.append(element);
  return { element, manager };
}

const dialogOf = (element: Element): HTMLDialogElement => element.shadowRoot!.querySelector('dialog')!;
const part = (element: Element, name: string): HTMLElement =>
  element.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`)!;
function button(element: Element, name: string): HTMLButtonElement {
  const found = [...element.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.trim() === name);
  if (!found) throw new Error(`no button ${name}`);
  return found;
}
const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

beforeAll(() => defineTacoSyncElements());
afterEach(() => document.body.replaceChildren());

describe('<taco-sync-conflict>', () => {
  it('stays closed while there is no conflict', () => {
    const { element } = mount({ status: 'pending' });
    expect(dialogOf(element).open).toBe(false);
    expect(element.open).toBe(false);
  });

  it('opens as a modal when the manager reports a conflict', () => {
    const { element, manager } = mount({ status: 'pending' });
    manager.setState(CONFLICT_STATE);
    expect(dialogOf(element).hasAttribute('open')).toBe(true);
    expect(element.open).toBe(true);
  });

  it('opens at once when bound to a manager already in conflict', () => {
    const { element } = mount(CONFLICT_STATE);
    expect(dialogOf(element).open).toBe(true);
  });

  it('moves focus to "Keep my changes" on open', () => {
    const { element } = mount(CONFLICT_STATE);
    expect(element.shadowRoot!.activeElement).toBe(button(element, 'Keep my changes'));
  });

  it('is labelled by its title and described by its summary', () => {
    const { element } = mount(CONFLICT_STATE);
    const dialog = dialogOf(element);
    const title = element.shadowRoot!.getElementById(dialog.getAttribute('aria-labelledby')!)!;
    const summary = element.shadowRoot!.getElementById(dialog.getAttribute('aria-describedby')!)!;
    expect(title.textContent).toBe('Your data changed in two places');
    expect(summary.textContent).toMatch(/server has a newer copy/);
  });

  it('says which device the server copy came from and when', () => {
    const { element } = mount(CONFLICT_STATE);
    const server = part(element, 'server');
    expect(server.textContent).toMatch(/Version 12/);
    expect(server.textContent).toMatch(/From device laptop-7f3a/);
    expect(server.textContent).toMatch(/Saved 5 min ago/);
    expect(part(element, 'local').textContent).toMatch(/Based on version 11/);
  });

  it('lists the keys that were added, removed and changed', () => {
    const { element } = mount(CONFLICT_STATE);
    const keysOf = (kind: string): string[] =>
      [...element.shadowRoot!.querySelectorAll(`[data-kind="${kind}"] code`)].map((code) => code.textContent!);
    expect(keysOf('added')).toEqual(['tenure:notes']);
    expect(keysOf('removed')).toEqual(['tenure:draft']);
    expect(keysOf('changed')).toEqual(['tenure:settings', 'tenure:rates']);
  });

  it('hides a kind with no keys and sums up long lists', () => {
    const many = Array.from({ length: KEYS_SHOWN_PER_KIND + 3 }, (_, i) => `key${i}`);
    const { element } = mount({ ...CONFLICT_STATE, conflict: { ...CONFLICT, diff: { added: [], removed: [], changed: many } } });
    const added = element.shadowRoot!.querySelector<HTMLElement>('[data-kind="added"]')!;
    const changed = element.shadowRoot!.querySelector<HTMLElement>('[data-kind="changed"]')!;
    expect(added.hidden).toBe(true);
    expect(changed.querySelectorAll('code')).toHaveLength(KEYS_SHOWN_PER_KIND);
    expect(changed.querySelector('.more')!.textContent).toBe('and 3 more');
  });

  it('notes that replaced data is backed up locally', () => {
    const { element } = mount(CONFLICT_STATE);
    expect(part(element, 'note').textContent).toMatch(/backed up locally/);
  });

  it.each([
    ['Keep my changes', 'keep-local'],
    ['Use server data', 'use-server'],
  ] as const)('"%s" resolves the conflict with %s', (name, choice) => {
    const { element, manager } = mount(CONFLICT_STATE);
    button(element, name).click();
    expect(manager.calls).toEqual([{ method: 'resolveConflict', choice }]);
  });

  it('closes once the choice succeeded and dispatches taco-sync-resolved', async () => {
    const { element, manager } = mount(CONFLICT_STATE);
    const resolved: CustomEvent<SyncResolvedDetail>[] = [];
    element.addEventListener('taco-sync-resolved', (event) => resolved.push(event));
    button(element, 'Use server data').click();
    await flush();
    expect(dialogOf(element).open).toBe(false);
    expect(resolved.map((event) => event.detail)).toEqual([{ choice: 'use-server' }]);
  });

  it('stays open with the new details when the choice meets a newer conflict', async () => {
    const { element, manager } = mount(CONFLICT_STATE);
    const resolved: Event[] = [];
    element.addEventListener('taco-sync-resolved', (event) => resolved.push(event));
    manager.answerChoiceWithConflict({ ...CONFLICT, reason: 'push-rejected', localVersion: 12, serverVersion: 13, serverDeviceId: 'tablet-9c1d' });
    button(element, 'Keep my changes').click();
    await flush();
    expect(dialogOf(element).open).toBe(true);
    expect(element.shadowRoot!.textContent).toContain('Version 13');
    expect(element.shadowRoot!.textContent).toContain('tablet-9c1d');
    expect(resolved).toHaveLength(0);
  });

  it('closes when the manager leaves the conflict state', () => {
    const { element, manager } = mount(CONFLICT_STATE);
    manager.setState({ status: 'synced', conflict: undefined });
    expect(dialogOf(element).open).toBe(false);
  });

  it('shows both buttons busy while the choice runs and ignores further clicks', async () => {
    const { element, manager } = mount(CONFLICT_STATE);
    manager.holdCalls();
    button(element, 'Keep my changes').click();
    button(element, 'Use server data').click();
    expect(manager.calls).toHaveLength(1);
    expect(button(element, 'Keep my changes').getAttribute('aria-busy')).toBe('true');
    expect(button(element, 'Use server data').getAttribute('aria-disabled')).toBe('true');
    manager.settle();
    await flush();
    expect(dialogOf(element).open).toBe(false);
  });

  it('stays open and shows the error when the choice fails', async () => {
    const { element, manager } = mount(CONFLICT_STATE);
    manager.holdCalls();
    const errors: CustomEvent<SyncActionErrorDetail>[] = [];
    element.addEventListener('taco-sync-error', (event) => errors.push(event));
    button(element, 'Keep my changes').click();
    const failure = new Error('Network is down');
    manager.fail(failure);
    await flush();
    expect(dialogOf(element).open).toBe(true);
    expect(part(element, 'error').hidden).toBe(false);
    expect(part(element, 'error').textContent).toBe('That did not work: Network is down');
    expect(errors.map((event) => event.detail)).toEqual([{ action: 'resolveConflict', error: failure }]);
    expect(button(element, 'Keep my changes').getAttribute('aria-disabled')).toBe('false');
  });

  it('stays closed after the user dismisses it, until show() or a new conflict', () => {
    const { element, manager } = mount(CONFLICT_STATE);
    const dismissed: Event[] = [];
    element.addEventListener('taco-sync-dismissed', (event) => dismissed.push(event));
    dialogOf(element).close();
    expect(dismissed).toHaveLength(1);
    manager.setState({ pendingSince: new Date().toISOString() });
    expect(dialogOf(element).open).toBe(false);
    element.show();
    expect(dialogOf(element).open).toBe(true);
    dialogOf(element).close();
    manager.setState({ conflict: { ...CONFLICT, serverVersion: 13 } });
    expect(dialogOf(element).open).toBe(true);
  });

  it('unsubscribes and closes when removed from the document', () => {
    const { element, manager } = mount(CONFLICT_STATE);
    element.remove();
    expect(manager.listenerCount).toBe(0);
    expect(dialogOf(element).open).toBe(false);
  });
});
