import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NetworkError } from '../core/errors.js';
import type { ConflictInfo, ConflictReason, SyncState } from '../core/sync-state.js';
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
  local: {
    keys: 4,
    bytes: 812,
    modifiedAt: new Date(Date.now() - 2 * 60_000).toISOString(),
    deviceName: 'Firefox on Linux',
  },
  server: {
    keys: 4,
    bytes: 790,
    modifiedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    deviceName: 'Chrome on Android',
  },
  values: [
    { key: 'tenure:settings', local: '{"theme":"dark"}', server: '{"theme":"light"}' },
    { key: 'tenure:draft', local: null, server: 'Call Ana' },
  ],
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

  it('preselects neither choice: focus goes to the title, no button is the default', () => {
    const { element } = mount(CONFLICT_STATE);
    const active = element.shadowRoot!.activeElement;
    expect(active).toBe(part(element, 'title'));
    for (const name of ['Keep my changes', 'Use server data']) {
      expect(button(element, name).hasAttribute('autofocus')).toBe(false);
      expect(button(element, name).classList.contains('primary')).toBe(false);
    }
  });

  it('opens scrolled to the top, with its title first', () => {
    const { element, manager } = mount(CONFLICT_STATE);
    dialogOf(element).close();
    part(element, 'body').scrollTop = 240;
    manager.setState({ conflict: { ...CONFLICT, serverVersion: 13 } });
    expect(dialogOf(element).open).toBe(true);
    expect(part(element, 'body').scrollTop).toBe(0);
  });

  it('does nothing destructive on Escape: it only dismisses', () => {
    const { element, manager } = mount(CONFLICT_STATE);
    const cancel = new Event('cancel', { cancelable: true });
    dialogOf(element).dispatchEvent(cancel);
    expect(cancel.defaultPrevented).toBe(false);
    dialogOf(element).close();
    expect(manager.calls).toEqual([]);
  });

  it('is labelled by its title and described by its summary', () => {
    const { element } = mount(CONFLICT_STATE);
    const dialog = dialogOf(element);
    const title = element.shadowRoot!.getElementById(dialog.getAttribute('aria-labelledby')!)!;
    const summary = element.shadowRoot!.getElementById(dialog.getAttribute('aria-describedby')!)!;
    expect(title.textContent).toBe('Your data changed in two places');
    expect(summary.textContent).toMatch(/newer data to the server/);
  });

  it('shows both sides: which device, when, and how much each holds', () => {
    const { element } = mount(CONFLICT_STATE);
    const local = part(element, 'local').textContent!;
    const server = part(element, 'server').textContent!;
    expect(local).toContain('Firefox on Linux, changed 2 min ago');
    expect(local).toContain('4 entries, 812 bytes');
    expect(server).toContain('Chrome on Android, saved 5 min ago');
    expect(server).toContain('4 entries, 790 bytes');
  });

  it('never shows a device id to a person: an unnamed device is "another device"', () => {
    const unnamed = { ...CONFLICT, server: { ...CONFLICT.server, deviceName: null } };
    const { element } = mount({ ...CONFLICT_STATE, conflict: unnamed });
    expect(part(element, 'server').textContent).toContain('Another device, saved 5 min ago');
    expect(part(element, 'copies').textContent).not.toContain('laptop-7f3a');
    expect(part(element, 'technical').textContent).toContain('laptop-7f3a');
  });

  it('says a side is empty', () => {
    const emptied = { ...CONFLICT, reason: 'local-emptied' as const, local: { ...CONFLICT.local, keys: 0, bytes: 2 } };
    const { element } = mount({ ...CONFLICT_STATE, conflict: emptied });
    expect(part(element, 'local').textContent).toContain('Empty');
  });

  it('shows what each side says for the small differing values', () => {
    const { element } = mount(CONFLICT_STATE);
    const rows = [...part(element, 'values').querySelectorAll('.value')].map((row) =>
      [...row.querySelectorAll('code, .side, .text')].map((node) => node.textContent),
    );
    expect(rows).toEqual([
      ['tenure:settings', 'This device', '{"theme":"dark"}', 'Server', '{"theme":"light"}'],
      ['tenure:draft', 'This device', 'Not there', 'Server', 'Call Ana'],
    ]);
  });

  it('says how many more entries differ when their values are too long to show', () => {
    const { element } = mount(CONFLICT_STATE);
    expect(part(element, 'values').querySelector('.more')!.textContent).toBe(
      '2 more entries differ, too long to show here.',
    );
  });

  it('for a key-level conflict, names the colliding entries and says the choice decides only those, the other changes are kept', () => {
    const keyLevel = { ...CONFLICT, keys: ['tenure:settings'], values: [CONFLICT.values[0]!] };
    const { element } = mount({ ...CONFLICT_STATE, conflict: keyLevel });
    const summary = part(element, 'summary').textContent!;
    expect(summary).toContain('Both devices changed “tenure:settings” in different ways.');
    expect(summary).toContain('Your choice decides only this entry: all other changes of both devices are kept.');
    expect(summary).not.toContain('Choose which copy to keep');
    expect([...part(element, 'values').querySelectorAll('.value code')].map((node) => node.textContent)).toEqual([
      'tenure:settings',
    ]);
    expect(part(element, 'values').querySelector<HTMLElement>('.more')!.hidden).toBe(true);
  });

  it('names several colliding entries in a list a person reads', () => {
    const { element } = mount({ ...CONFLICT_STATE, conflict: { ...CONFLICT, keys: ['a', 'b', 'c'] } });
    expect(part(element, 'summary').textContent).toContain(
      'Both devices changed “a”, “b” and “c” in different ways. Your choice decides only these entries',
    );
  });

  it('shows no value section when nothing differs', () => {
    const same = {
      ...CONFLICT,
      reason: 'other-account' as const,
      diff: { added: [], removed: [], changed: [] },
      values: [],
    };
    const { element } = mount({ ...CONFLICT_STATE, conflict: same });
    expect(part(element, 'values').hidden).toBe(true);
  });

  it.each<[ConflictReason, RegExp, RegExp]>([
    ['server-newer', /Your data changed in two places/, /not synced yet/],
    ['push-rejected', /Your data changed in two places/, /Another device synced different data/],
    ['server-behind', /Your data changed in two places/, /no longer holds the copy/],
    ['first-sync', /This device and your account hold different data/, /never synced/],
    ['other-account', /another account/, /belongs to another account/],
    ['local-emptied', /emptied/, /removed, while the server still holds your data/],
    ['stale-write-back', /older copy/, /saved the copy it held before/],
  ])('words the %s reason for a person', (reason, title, summary) => {
    const { element } = mount({ ...CONFLICT_STATE, conflict: { ...CONFLICT, reason } });
    expect(part(element, 'title').textContent).toMatch(title);
    expect(part(element, 'summary').textContent).toMatch(summary);
    expect(part(element, 'summary').textContent).not.toContain(reason);
  });

  it('names the sides after the accounts when the data belongs to another account', () => {
    const { element } = mount({ ...CONFLICT_STATE, conflict: { ...CONFLICT, reason: 'other-account' } });
    expect(part(element, 'local').querySelector('h3')!.textContent).toBe('On this device (other account)');
    expect(part(element, 'server').querySelector('h3')!.textContent).toBe('Your account');
  });

  it('keeps reason, versions and keys under "Technical details"', () => {
    const { element } = mount(CONFLICT_STATE);
    const technical = part(element, 'technical');
    expect(technical.tagName).toBe('DETAILS');
    const keysOf = (kind: string): string[] =>
      [...technical.querySelectorAll(`dd[data-kind="${kind}"] code`)].map((code) => code.textContent!);
    expect(technical.textContent).toContain('server-newer');
    expect(technical.textContent).toContain('based on 11, the server holds 12');
    expect(keysOf('added')).toEqual(['tenure:notes']);
    expect(keysOf('removed')).toEqual(['tenure:draft']);
    expect(keysOf('changed')).toEqual(['tenure:settings', 'tenure:rates']);
  });

  it('hides a kind with no keys and sums up long lists in the technical details', () => {
    const many = Array.from({ length: KEYS_SHOWN_PER_KIND + 3 }, (_, i) => `key${i}`);
    const { element } = mount({
      ...CONFLICT_STATE,
      conflict: { ...CONFLICT, diff: { added: [], removed: [], changed: many } },
    });
    const added = element.shadowRoot!.querySelector<HTMLElement>('dd[data-kind="added"]')!;
    const changed = element.shadowRoot!.querySelector<HTMLElement>('dd[data-kind="changed"]')!;
    expect(added.hidden).toBe(true);
    expect(changed.querySelectorAll('code')).toHaveLength(KEYS_SHOWN_PER_KIND);
    expect(changed.lastElementChild!.textContent).toBe('and 3 more');
  });

  it('notes that replaced data is backed up locally', () => {
    const { element } = mount(CONFLICT_STATE);
    expect(part(element, 'note').textContent).toMatch(/backed up here first/);
  });

  it.each([
    ['Keep my changes', 'keep-local'],
    ['Use server data', 'use-server'],
  ] as const)('"%s" resolves the conflict with %s', (name, choice) => {
    const { element, manager } = mount(CONFLICT_STATE);
    button(element, name).click();
    expect(manager.calls).toEqual([{ method: 'resolveConflict', choice }]);
  });

  it.each([
    ['Upload this device’s data again', 'keep-local'],
    ['Keep it on this device only', 'use-server'],
  ] as const)(
    'for deleted cloud data, "%s" resolves the cloud-deleted conflict with %s and the dialog says nothing local is removed',
    (name, choice) => {
      const deleted: ConflictInfo = {
        ...CONFLICT,
        reason: 'cloud-deleted',
        serverDeviceId: null,
        server: { keys: 0, bytes: 2, modifiedAt: CONFLICT.serverModified, deviceName: null },
        values: [],
      };
      const { element, manager } = mount({ ...CONFLICT_STATE, conflict: deleted });
      expect(part(element, 'title').textContent).toBe('Your cloud data was deleted');
      expect(part(element, 'note').textContent).toMatch(/Nothing on this device is removed/);
      expect(part(element, 'server').textContent).toMatch(/Deleted 5 min ago/);
      button(element, name).click();
      expect(manager.calls).toEqual([{ method: 'resolveConflict', choice }]);
    },
  );

  it('gives the buttons back their usual words for the next conflict of another reason', () => {
    const { element, manager } = mount({ ...CONFLICT_STATE, conflict: { ...CONFLICT, reason: 'cloud-deleted' } });
    manager.setState({ ...CONFLICT_STATE, conflict: { ...CONFLICT, serverVersion: 13 } });
    expect(button(element, 'Keep my changes')).toBeDefined();
    expect(part(element, 'note').textContent).toMatch(/backed up here first/);
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
    manager.answerChoiceWithConflict({
      ...CONFLICT,
      reason: 'push-rejected',
      localVersion: 12,
      serverVersion: 13,
      serverDeviceId: 'tablet-9c1d',
    });
    button(element, 'Keep my changes').click();
    await flush();
    expect(dialogOf(element).open).toBe(true);
    expect(part(element, 'summary').textContent).toMatch(/moments before this one/);
    expect(part(element, 'technical').textContent).toContain('the server holds 13');
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
    const failure = new NetworkError('NETWORK', 'TypeError: Failed to fetch');
    manager.fail(failure);
    await flush();
    expect(dialogOf(element).open).toBe(true);
    expect(part(element, 'error').hidden).toBe(false);
    expect(part(element, 'error').textContent).toBe(
      'That did not work: Could not reach the sync server. Check your connection.',
    );
    expect(part(element, 'error').title).toBe('NETWORK: TypeError: Failed to fetch');
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
