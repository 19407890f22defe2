import { canonicalJson, utf8ByteLength, type VersionRecord } from '../contract/index.js';
import type { LocalBackup, ReplaceReason, SyncManager } from '../core/sync-manager.js';
import type { SyncState } from '../core/sync-state.js';
import { formatByteSize } from './byte-size.js';
import { describeSyncError, type ErrorText } from './error-text.js';
import type { SyncRestoredDetail } from './events.js';
import { ManagerElement, TIME_REFRESH_MS } from './manager-element.js';
import { formatDateTime, formatTimeAgo } from './relative-time.js';

const BACKUP_REASONS: Record<ReplaceReason, string> = {
  pull: 'Kept before data from another device replaced it',
  'use-server': 'Kept before you chose the server data',
  restore: 'Kept before a restore',
  backup: 'Kept before a backup was put back',
};

const HISTORY_CSS = `
:host { display: block; }
.root { display: grid; gap: 20px; }
.head { display: flex; align-items: center; justify-content: space-between; gap: 12px; margin-bottom: 4px; }
h3 { margin: 0; font-size: 1em; font-weight: 600; }
p { margin: 0; }
.message { color: var(--_muted); padding: 8px 0; }
.message summary { cursor: pointer; width: max-content; margin-top: 4px; font-size: 0.93em; }
.message summary:focus-visible { outline: 2px solid var(--_focus); outline-offset: 2px; }
.message code { overflow-wrap: anywhere; font-size: 0.88em; }
ol { list-style: none; margin: 0; padding: 0; }
li { border-top: 1px solid var(--_border); padding: 10px 0; }
li:first-child { border-top: 0; }
.line { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; }
.what { flex: 1 1 14em; min-width: 0; }
.when { font-weight: 600; }
.current {
  margin-left: 8px;
  padding: 1px 8px;
  border-radius: 999px;
  background: color-mix(in srgb, var(--_success) var(--_tint), var(--_surface));
  color: var(--_success);
  font-size: 0.85em;
  font-weight: 600;
}
.meta { display: block; color: var(--_muted); font-size: 0.93em; overflow-wrap: anywhere; }
.confirm {
  display: grid;
  gap: 10px;
  margin-top: 10px;
  padding: 10px 12px;
  border-radius: var(--_radius);
  background: color-mix(in srgb, var(--_warning) var(--_tint), var(--_surface));
}
.confirm-actions { display: flex; flex-wrap: wrap; justify-content: flex-end; gap: 8px; }
.error { font-size: 0.93em; }
.sr-only {
  position: absolute;
  width: 1px;
  height: 1px;
  margin: -1px;
  padding: 0;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
  border: 0;
}
`;

const HISTORY_HTML = `
<div class="root" part="root">
  <section part="versions" aria-labelledby="versions-title">
    <div class="head">
      <h3 id="versions-title">Saved on the server</h3>
      <button type="button" part="button refresh"><span class="spinner" aria-hidden="true"></span>Refresh</button>
    </div>
    <div class="message" part="message" data-for="versions"></div>
    <ol data-list="versions"></ol>
  </section>
  <section part="backups" aria-labelledby="backups-title">
    <div class="head"><h3 id="backups-title">Backups on this device</h3></div>
    <div class="message" part="message" data-for="backups"></div>
    <ol data-list="backups"></ol>
  </section>
  <p class="sr-only" role="status" aria-live="polite"></p>
</div>
`;

/** A kept version: its record, or only its number from a Worker that sends no records (older than `versions`). */
type KeptVersion = Pick<VersionRecord, 'version'> & Partial<VersionRecord>;

/** One row either list shows: what it is, and what restoring it does. */
interface Entry {
  /** `version:3` or `backup:<id>`: stable across reloads, so an open confirmation survives one. */
  key: string;
  /** When it was saved (ISO); null when the server did not say. */
  when: string | null;
  /** Shown instead of the time when there is none. */
  title: string;
  current: boolean;
  meta: string;
  metaTitle: string | null;
  restoreLabel: string;
  question: string;
  confirmLabel: string;
  run: (manager: SyncManager) => Promise<void>;
  restored: SyncRestoredDetail;
}

/**
 * `<taco-sync-history>`: the versions the server keeps (when, from which device, how large) and the
 * local backups on this device (when, why they were kept, how large), each with a restore behind a
 * confirmation. Restoring a version makes it the newest on every device (`SyncManager.restore`);
 * putting back a backup replaces the local data, which then syncs (`SyncManager.restoreBackup`).
 * Either way what the device holds is backed up first.
 *
 * It reads the lists when connected, whenever the manager's version changes, when sync comes back
 * online or is turned on or off, after a restore, and on "Refresh". Times are redrawn every {@link TIME_REFRESH_MS}.
 *
 * - Property `manager`: the `SyncManager` to show; subscribes while connected.
 * - Method `reload()`: reads both lists again.
 * - Parts: `root`, `versions`, `backups`, `message`, `item` (`version`, `backup`), `button` (`refresh`,
 *   `restore`, `cancel`, `confirm`), `confirm`, `error`.
 * - Events (bubble, composed): `taco-sync-restored` (`detail: { kind: 'version', version }` or
 *   `{ kind: 'backup', id }`) after a confirmed restore succeeded; `taco-sync-error`
 *   (`detail: { action: 'restore' | 'restoreBackup', error }`) when it failed (it shows in the row).
 *
 * @example
 * const history = document.createElement('taco-sync-history');
 * history.manager = manager;
 * document.querySelector('#settings')!.append(history);
 */
export class TacoSyncHistoryElement extends ManagerElement {
  private versions: KeptVersion[] | null = null;
  private backups: LocalBackup[] | null = null;
  private versionsError: ErrorText | null = null;
  private backupsError: ErrorText | null = null;
  private loading = false;
  private loadCount = 0;
  private seen: { manager: SyncManager; version: number; online: boolean; disabled: boolean } | null = null;
  private confirming: string | null = null;
  private restoring: string | null = null;
  private actionError: { key: string; error: ErrorText } | null = null;
  private readonly announcer: HTMLElement;

  constructor() {
    super(HISTORY_CSS, HISTORY_HTML);
    this.announcer = this.root.querySelector('[role="status"]')!;
    this.root.querySelector('[part~="refresh"]')!.addEventListener('click', () => void this.reload());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.seen = null;
  }

  /** Reads the server's versions and the local backups again. Resolves when both are shown. */
  async reload(): Promise<void> {
    const manager = this.manager;
    if (!manager) return;
    const load = ++this.loadCount;
    const state = manager.getState();
    const askServer = state.status !== 'disabled' && state.online;
    this.loading = true;
    this.draw(state);
    const [versions, backups] = await Promise.allSettled([
      askServer ? readVersions(manager) : Promise.resolve(null),
      manager.listBackups(),
    ]);
    // A newer load (or another manager) started meanwhile: its answer is the one to show.
    if (load !== this.loadCount || manager !== this.manager) return;
    this.loading = false;
    // Offline, the versions read last stay listed (restoring them waits for the connection).
    if (versions.status === 'rejected' || versions.value !== null || state.status === 'disabled') {
      this.versions = versions.status === 'fulfilled' ? versions.value : null;
    }
    this.versionsError = versions.status === 'rejected' ? describeSyncError(versions.reason) : null;
    this.backups = backups.status === 'fulfilled' ? backups.value : null;
    this.backupsError = backups.status === 'rejected' ? describeSyncError(backups.reason) : null;
    this.draw(manager.getState());
  }

  protected render(state: SyncState | null): void {
    const manager = this.manager;
    if (!state || !manager) {
      this.seen = null;
      this.versions = this.backups = null;
      this.versionsError = this.backupsError = null;
      this.draw(null);
      return;
    }
    const now = { manager, version: state.version, online: state.online, disabled: state.status === 'disabled' };
    const before = this.seen;
    this.seen = now;
    // Every push, pull, choice and restore moves the version, so that is when the lists change; the
    // other changes of state would only cost the server a meta read each.
    const stale =
      !before ||
      before.manager !== manager ||
      before.version !== now.version ||
      before.online !== now.online ||
      before.disabled !== now.disabled;
    if (stale && !this.busy) void this.reload();
    else this.draw(state);
  }

  protected showActionError(error: ErrorText | null): void {
    this.actionError = error && this.restoring ? { key: this.restoring, error } : null;
  }

  /** Rebuilds both lists from what was read last, keeping an open confirmation open. */
  private draw(state: SyncState | null): void {
    const focusedKey = this.focusedEntry();
    this.drawVersions(state);
    this.drawBackups(state);
    if (focusedKey) this.focusEntry(focusedKey);
  }

  private drawVersions(state: SyncState | null): void {
    const message = this.message('versions');
    const records = this.versions ?? [];
    const blocked = !state
      ? 'No sync manager is attached.'
      : state.status === 'disabled'
        ? 'Sync is turned off.'
        : !state.online
          ? 'You are offline.'
          : null;
    if (!state) message.replaceChildren('No sync manager is attached.');
    else if (state.status === 'disabled')
      message.replaceChildren('Sync is off, so the versions saved on the server are not shown.');
    else if (!state.online && !this.versions)
      message.replaceChildren('You are offline. The versions saved on the server show when you are back online.');
    else if (this.loading && !this.versions) message.replaceChildren('Loading…');
    else if (this.versionsError) this.showError(message, 'Could not load the saved versions.', this.versionsError);
    else if (records.length === 0) message.replaceChildren('Nothing is saved on the server yet.');
    else message.replaceChildren();
    message.hidden = message.childNodes.length === 0;
    const newest = records.at(-1)?.version;
    const entries = [...records].reverse().map((record) => this.versionEntry(record, record.version === newest));
    this.drawList('versions', state && state.status !== 'disabled' ? entries : [], blocked);
  }

  private drawBackups(state: SyncState | null): void {
    const message = this.message('backups');
    if (!state) message.replaceChildren('No sync manager is attached.');
    else if (this.loading && !this.backups) message.replaceChildren('Loading…');
    else if (this.backupsError)
      this.showError(message, 'Could not read the backups on this device.', this.backupsError);
    else if ((this.backups ?? []).length === 0) {
      message.replaceChildren(
        'No backups yet. Whenever data from elsewhere replaces what this device holds, a copy is kept here.',
      );
    } else message.replaceChildren();
    message.hidden = message.childNodes.length === 0;
    this.drawList('backups', state ? (this.backups ?? []).map((backup) => this.backupEntry(backup)) : [], null);
  }

  private versionEntry(record: KeptVersion, current: boolean): Entry {
    const device = record.deviceName ?? 'an unnamed device';
    const details = record.lastModified !== undefined && record.size !== undefined;
    return {
      key: `version:${record.version}`,
      when: record.lastModified ?? null,
      title: `Version ${record.version}`,
      current,
      meta: details
        ? `${record.deviceName ?? 'Unnamed device'} · ${formatByteSize(record.size!)} · version ${record.version}`
        : 'The server did not say when or from where',
      metaTitle: record.deviceId ? `Device id ${record.deviceId}` : null,
      restoreLabel: `version ${record.version}`,
      question: details
        ? `Make the copy saved {when} from ${device} the newest version on every device? What this device holds now is backed up here first.`
        : `Make version ${record.version} the newest version on every device? What this device holds now is backed up here first.`,
      confirmLabel: `Restore version ${record.version}`,
      run: (manager) => manager.restore(record.version),
      restored: { kind: 'version', version: record.version },
    };
  }

  private backupEntry(backup: LocalBackup): Entry {
    const keys = Object.keys(backup.data).length;
    const size =
      keys === 0
        ? 'empty'
        : `${keys} ${keys === 1 ? 'entry' : 'entries'}, ${formatByteSize(utf8ByteLength(canonicalJson(backup.data)))}`;
    return {
      key: `backup:${backup.id}`,
      when: backup.createdAt,
      title: 'Backup',
      current: false,
      meta: `${BACKUP_REASONS[backup.reason] ?? 'Kept before its data was replaced'} · ${size}`,
      metaTitle: null,
      restoreLabel: 'the backup kept {when}',
      question:
        'Put the copy kept {when} back on this device? It then syncs as your newest change. What this device holds now is backed up first.',
      confirmLabel: 'Put back',
      run: (manager) => manager.restoreBackup(backup.id),
      restored: { kind: 'backup', id: backup.id },
    };
  }

  private drawList(list: 'versions' | 'backups', entries: Entry[], blocked: string | null): void {
    const ol = this.root.querySelector<HTMLOListElement>(`[data-list="${list}"]`)!;
    ol.replaceChildren(
      ...entries.map((entry) => this.item(list === 'versions' ? 'version' : 'backup', entry, blocked)),
    );
  }

  private item(kind: 'version' | 'backup', entry: Entry, blocked: string | null): HTMLLIElement {
    const li = document.createElement('li');
    li.setAttribute('part', `item ${kind}`);
    li.dataset.entry = entry.key;
    const what = element('div', 'what');
    const when = element('span', 'when', entry.title);
    if (entry.when) setTime(when, entry.when);
    what.append(when);
    if (entry.current) what.append(element('span', 'current', 'Current'));
    const meta = element('span', 'meta', entry.meta);
    if (entry.metaTitle) meta.title = entry.metaTitle;
    what.append(meta);
    const line = element('div', 'line');
    line.append(what);
    if (!entry.current) {
      const restore = this.button(
        'restore',
        kind === 'version' ? 'Restore' : 'Put back',
        entry.restoreLabel,
        entry.when,
      );
      this.setAvailable(restore, blocked);
      restore.setAttribute('aria-expanded', String(this.confirming === entry.key));
      restore.addEventListener('click', () => {
        if (restore.getAttribute('aria-disabled') === 'true') return;
        this.openConfirm(entry.key);
      });
      line.append(restore);
    }
    li.append(line);
    if (this.confirming === entry.key) li.append(this.confirm(entry, blocked));
    return li;
  }

  private confirm(entry: Entry, blocked: string | null): HTMLElement {
    const box = element('div', 'confirm');
    box.setAttribute('part', 'confirm');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', entry.confirmLabel);
    const [before, after] = entry.question.split('{when}');
    const question = element('p', 'question', before);
    if (after !== undefined && entry.when) {
      const when = element('span', 'time');
      setTime(when, entry.when);
      question.append(when, after);
    }
    box.append(question);
    const failed = this.actionError?.key === entry.key ? this.actionError.error : null;
    if (failed) {
      const error = element('p', 'error', `That did not work: ${failed.text}`);
      error.setAttribute('part', 'error');
      error.setAttribute('role', 'alert');
      error.title = failed.technical;
      box.append(error);
    }
    const cancel = this.button('cancel', 'Cancel');
    cancel.addEventListener('click', () => this.closeConfirm(entry.key));
    const go = this.button('confirm', entry.confirmLabel);
    go.classList.add('primary');
    this.setAvailable(go, blocked);
    if (this.restoring === entry.key) go.setAttribute('aria-busy', 'true');
    go.addEventListener('click', () => {
      if (go.getAttribute('aria-disabled') === 'true') return;
      void this.restore(entry);
    });
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !this.busy) this.closeConfirm(entry.key);
    });
    const actions = element('div', 'confirm-actions');
    actions.append(cancel, go);
    box.append(actions);
    return box;
  }

  private openConfirm(key: string): void {
    this.confirming = key;
    this.actionError = null;
    this.draw(this.manager?.getState() ?? null);
    // The safe answer gets focus: Enter right after "Restore" must not restore.
    this.entryButton(key, 'cancel')?.focus();
  }

  private closeConfirm(key: string): void {
    if (this.busy) return;
    this.confirming = null;
    this.actionError = null;
    this.draw(this.manager?.getState() ?? null);
    this.entryButton(key, 'restore')?.focus();
  }

  private async restore(entry: Entry): Promise<void> {
    if (this.busy) return;
    this.restoring = entry.key;
    const ok = await this.runAction(entry.restored.kind === 'version' ? 'restore' : 'restoreBackup', entry.run);
    this.restoring = null;
    if (!ok) {
      this.draw(this.manager?.getState() ?? null);
      this.entryButton(entry.key, 'confirm')?.focus();
      return;
    }
    this.confirming = null;
    this.announcer.textContent =
      entry.restored.kind === 'version' ? `Restored version ${entry.restored.version}.` : 'Backup put back.';
    this.dispatchEvent(
      new CustomEvent<SyncRestoredDetail>('taco-sync-restored', {
        detail: entry.restored,
        bubbles: true,
        composed: true,
      }),
    );
    await this.reload();
  }

  private button(name: string, label: string, hiddenLabel?: string, when?: string | null): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.setAttribute('part', `button ${name}`);
    button.dataset.action = name;
    const spinner = element('span', 'spinner');
    spinner.setAttribute('aria-hidden', 'true');
    button.append(spinner, label);
    if (hiddenLabel) {
      const [before, after] = hiddenLabel.split('{when}');
      const extra = element('span', 'sr-only', ` ${before}`);
      if (after !== undefined && when) {
        const time = element('span', 'time');
        setTime(time, when, false);
        extra.append(time, after);
      }
      button.append(extra);
    }
    return button;
  }

  /** `aria-disabled` (focus stays) with the reason as tooltip, or busy while any restore runs. */
  private setAvailable(button: HTMLButtonElement, blocked: string | null): void {
    button.setAttribute('aria-disabled', String(this.busy || blocked !== null));
    if (blocked) button.title = blocked;
  }

  private showError(message: HTMLElement, text: string, error: ErrorText): void {
    const details = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = 'Technical details';
    const code = document.createElement('code');
    code.textContent = error.technical;
    details.append(summary, code);
    message.replaceChildren(`${text} ${error.text}`, details);
  }

  private message(list: 'versions' | 'backups'): HTMLElement {
    return this.root.querySelector<HTMLElement>(`[data-for="${list}"]`)!;
  }

  private entryButton(key: string, action: string): HTMLButtonElement | null {
    const item = [...this.root.querySelectorAll<HTMLElement>('li')].find((li) => li.dataset.entry === key);
    return item?.querySelector<HTMLButtonElement>(`button[data-action="${action}"]`) ?? null;
  }

  private focusedEntry(): { key: string; action: string } | null {
    const active = this.root.activeElement;
    const item = active?.closest<HTMLElement>('li');
    const action = (active as HTMLElement | null)?.dataset?.action;
    return item?.dataset.entry && action ? { key: item.dataset.entry, action } : null;
  }

  private focusEntry({ key, action }: { key: string; action: string }): void {
    this.entryButton(key, action)?.focus();
  }

  protected override redrawTimes(): void {
    for (const time of this.root.querySelectorAll<HTMLElement>('[data-iso]'))
      setTime(time, time.dataset.iso!, time.dataset.capital === 'true');
  }
}

/** The kept versions with their records; only their numbers from a Worker that sends no records. */
async function readVersions(manager: SyncManager): Promise<KeptVersion[]> {
  const records = await manager.listHistory();
  if (records.length > 0) return records;
  return (await manager.listVersions()).map((version) => ({ version }));
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const made = document.createElement(tag);
  made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

/** Writes "5 min ago" (capitalised at the start of a line) with the exact time as tooltip, redrawn by the timer. */
function setTime(target: HTMLElement, iso: string, capital = target.classList.contains('when')): void {
  target.dataset.iso = iso;
  target.dataset.capital = String(capital);
  const phrase = formatTimeAgo(iso);
  target.textContent = capital && phrase ? phrase[0]!.toUpperCase() + phrase.slice(1) : phrase;
  target.title = formatDateTime(iso);
}

declare global {
  interface HTMLElementTagNameMap {
    'taco-sync-history': TacoSyncHistoryElement;
  }
}
