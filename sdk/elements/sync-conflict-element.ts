import type { ConflictChoice } from '../core/sync-manager.js';
import type { ConflictInfo, ConflictReason, SyncState } from '../core/sync-state.js';
import type { SyncResolvedDetail } from './events.js';
import { ManagerElement } from './manager-element.js';
import { formatDateTime, formatTimeAgo } from './relative-time.js';

/** How many keys of each kind the dialog lists before summing up the rest. */
export const KEYS_SHOWN_PER_KIND = 6;

const WHY: Record<ConflictReason, string> = {
  'server-newer': 'This device has changes that have not synced yet, and the server has a newer copy.',
  'server-behind':
    'The server no longer holds the copy this device last synced (it may have been reset or restored), and the two differ.',
  'first-sync': 'This device has data that was never synced, and the server already holds different data.',
  'push-rejected': 'Another device synced different data moments before this one.',
  'other-account': 'The data on this device was synced by another account. Signed in as someone else now, nothing moves until you choose.',
  'local-emptied': 'The data on this device was emptied, while the server still holds data.',
  'stale-write-back': 'The app saved an older copy over data that sync had just brought in.',
};

const CONFLICT_CSS = `
:host { display: contents; }
dialog {
  box-sizing: border-box;
  width: min(34rem, calc(100vw - 32px));
  max-height: calc(100vh - 32px);
  padding: 0;
  border: 1px solid var(--_border);
  border-radius: calc(var(--_radius) + 4px);
  background: var(--_surface);
  color: var(--_text);
  box-shadow: 0 1px 3px rgb(0 0 0 / 0.12), 0 16px 48px rgb(0 0 0 / 0.22);
  font: inherit;
}
dialog::backdrop { background: var(--_backdrop); }
.body { padding: 24px 24px 4px; }
h2 {
  margin: 0 0 6px;
  font-size: 1.2em;
  line-height: 1.3;
  font-weight: 650;
}
h3 {
  margin: 0 0 8px;
  font-size: 0.8em;
  font-weight: 600;
  letter-spacing: 0.04em;
  text-transform: uppercase;
  color: var(--_muted);
}
p { margin: 0; }
.summary { color: var(--_muted); }
.copies {
  display: grid;
  grid-template-columns: 1fr 1fr;
  gap: 12px;
  margin: 18px 0;
}
.copy {
  padding: 12px 14px;
  border: 1px solid var(--_border);
  border-radius: var(--_radius);
  background: color-mix(in srgb, var(--_text) 3%, var(--_surface));
}
.copy strong { display: block; margin-bottom: 2px; }
.copy > span { display: block; color: var(--_muted); font-size: 0.93em; }
.device { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; }
.diff {
  display: grid;
  grid-template-columns: max-content 1fr;
  align-items: baseline;
  gap: 8px 16px;
  margin: 0 0 18px;
}
.diff > h3 { grid-column: 1 / -1; margin: 0; }
.kind { display: contents; }
.kind > b { font-weight: 400; color: var(--_muted); }
.keys { display: flex; flex-wrap: wrap; gap: 6px; }
code {
  padding: 1px 6px;
  border-radius: 4px;
  background: color-mix(in srgb, var(--_text) 8%, var(--_surface));
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 0.88em;
}
.more { color: var(--_muted); font-size: 0.93em; }
.note {
  display: flex;
  gap: 10px;
  padding: 10px 12px;
  border-radius: var(--_radius);
  background: color-mix(in srgb, var(--_info) var(--_tint), var(--_surface));
  font-size: 0.93em;
}
.note svg { flex: none; margin-top: 2px; color: var(--_info); }
.error { margin-top: 12px; }
.actions {
  display: flex;
  flex-wrap: wrap;
  justify-content: flex-end;
  gap: 8px;
  padding: 20px 24px 24px;
}
@media (max-width: 420px) {
  .copies { grid-template-columns: 1fr; }
  .actions { flex-direction: column-reverse; align-items: stretch; }
}
`;

const INFO_ICON = `<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" fill="currentColor"><path d="M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM0 8a8 8 0 1 1 16 0A8 8 0 0 1 0 8Zm6.5-.25A.75.75 0 0 1 7.25 7h1a.75.75 0 0 1 .75.75v2.75h.25a.75.75 0 0 1 0 1.5h-2a.75.75 0 0 1 0-1.5h.25v-2h-.25a.75.75 0 0 1-.75-.75ZM8 6a1 1 0 1 1 0-2 1 1 0 0 1 0 2Z"/></svg>`;

const CONFLICT_HTML = `
<dialog part="dialog" aria-labelledby="title" aria-describedby="summary">
  <div class="body">
    <h2 id="title" part="title">Your data changed in two places</h2>
    <p id="summary" class="summary" part="summary"></p>
    <div class="copies" part="copies">
      <div class="copy" part="copy local">
        <strong>This device</strong>
        <span data-field="local-version"></span>
        <span data-field="local-pending"></span>
      </div>
      <div class="copy" part="copy server">
        <strong>Server</strong>
        <span data-field="server-version"></span>
        <span data-field="server-device"></span>
        <span data-field="server-saved"></span>
      </div>
    </div>
    <section class="diff" part="diff" aria-labelledby="diff-title">
      <h3 id="diff-title">What differs</h3>
      <p class="kind" data-kind="added"><b>Only on this device</b><span class="keys"></span></p>
      <p class="kind" data-kind="removed"><b>Only on the server</b><span class="keys"></span></p>
      <p class="kind" data-kind="changed"><b>Different on each</b><span class="keys"></span></p>
    </section>
    <p class="note" part="note">${INFO_ICON}<span>Nothing is lost. If you use the server data, the data on this device is backed up locally first and can be restored. If you keep your changes, the server copy stays in its version history.</span></p>
    <p class="error" part="error" role="alert" hidden></p>
  </div>
  <div class="actions" part="actions">
    <button type="button" part="button use-server" data-choice="use-server"><span class="spinner" aria-hidden="true"></span>Use server data</button>
    <button type="button" part="button keep-local" class="primary" data-choice="keep-local"><span class="spinner" aria-hidden="true"></span>Keep my changes</button>
  </div>
</dialog>
`;

/**
 * `<taco-sync-conflict>`: a modal `<dialog>` that opens by itself when a {@link SyncManager} reports a
 * conflict. It says where the server copy came from and when, lists the keys that differ, notes that
 * replaced data is backed up, and offers "Keep my changes" and "Use server data". It closes when the
 * conflict is resolved.
 *
 * - Property `manager`: the `SyncManager` to watch; subscribes while connected.
 * - Method `show()`: reopens the dialog after the user dismissed it with Escape.
 * - Parts: `dialog`, `title`, `summary`, `copies`, `copy` (`local`, `server`), `diff`, `note`, `error`,
 *   `actions`, `button` (`keep-local`, `use-server`).
 * - Events (bubble, composed): `taco-sync-resolved` (`detail: { choice }`) after a choice succeeded;
 *   `taco-sync-error` (`detail: { action, error }`) when it failed (the message shows in the dialog);
 *   `taco-sync-dismissed` when the user closed the dialog without choosing.
 *
 * @example
 * const dialog = document.createElement('taco-sync-conflict');
 * dialog.manager = manager;
 * document.body.append(dialog);
 */
export class TacoSyncConflictElement extends ManagerElement {
  private readonly dialog: HTMLDialogElement;
  private readonly error: HTMLElement;
  private readonly buttons: HTMLButtonElement[];
  private choosing: ConflictChoice | null = null;
  private conflictKey: string | null = null;
  private dismissedKey: string | null = null;
  private closingOurselves = false;

  constructor() {
    super(CONFLICT_CSS, CONFLICT_HTML);
    this.dialog = this.root.querySelector('dialog')!;
    this.error = this.root.querySelector('.error')!;
    this.buttons = [...this.root.querySelectorAll<HTMLButtonElement>('button[data-choice]')];
    for (const button of this.buttons) {
      button.addEventListener('click', () => void this.choose(button.dataset.choice as ConflictChoice));
    }
    // Escape must not close the dialog while a choice is being applied.
    this.dialog.addEventListener('cancel', (event) => {
      if (this.busy) event.preventDefault();
    });
    this.dialog.addEventListener('close', () => this.onClose());
  }

  /** True while the dialog is open. */
  get open(): boolean {
    return this.dialog.open;
  }

  /** Opens the dialog again if the manager still reports a conflict (after the user dismissed it). */
  show(): void {
    this.dismissedKey = null;
    this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.closeDialog();
  }

  protected render(state: SyncState | null): void {
    const conflict = state?.status === 'conflict' ? state.conflict : undefined;
    if (!state || !conflict) {
      this.conflictKey = null;
      this.dismissedKey = null;
      this.closeDialog();
      return;
    }
    const key = `${conflict.reason}:${conflict.localVersion}:${conflict.serverVersion}`;
    if (key !== this.conflictKey) this.showActionError(null);
    this.conflictKey = key;
    this.fill(conflict, state.pendingSince);
    for (const button of this.buttons) {
      button.setAttribute('aria-disabled', String(this.busy));
      if (this.busy && button.dataset.choice === this.choosing) button.setAttribute('aria-busy', 'true');
      else button.removeAttribute('aria-busy');
    }
    if (!this.dialog.open && this.dismissedKey !== key && this.isConnected) {
      this.dialog.showModal();
      this.root.querySelector<HTMLButtonElement>('button[data-choice="keep-local"]')!.focus();
    }
  }

  protected showActionError(message: string | null): void {
    this.error.hidden = message === null;
    this.error.textContent = message === null ? '' : `That did not work: ${message}`;
  }

  private async choose(choice: ConflictChoice): Promise<void> {
    if (this.busy) return;
    this.choosing = choice;
    const ok = await this.runAction('resolveConflict', (manager) => manager.resolveConflict(choice));
    this.choosing = null;
    // A choice can meet a newer conflict (a third device pushed meanwhile): the dialog then stays
    // open with the fresh details instead of pretending the choice settled it.
    if (!ok || this.manager?.getState().status === 'conflict') return;
    this.closeDialog();
    this.dispatchEvent(
      new CustomEvent<SyncResolvedDetail>('taco-sync-resolved', { detail: { choice }, bubbles: true, composed: true }),
    );
  }

  private fill(conflict: ConflictInfo, pendingSince: string | null): void {
    this.field('#summary').textContent = `${WHY[conflict.reason]} Choose which copy to keep.`;
    this.field('[data-field="local-version"]').textContent =
      conflict.localVersion > 0 ? `Based on version ${conflict.localVersion}` : 'Never synced';
    this.field('[data-field="local-pending"]').textContent = pendingSince
      ? `Changed ${formatTimeAgo(pendingSince)}`
      : 'Has unsynced changes';
    this.field('[data-field="server-version"]').textContent =
      conflict.serverVersion > 0 ? `Version ${conflict.serverVersion}` : 'No version yet';
    const device = this.field('[data-field="server-device"]');
    if (conflict.serverDeviceId) {
      const id = document.createElement('span');
      id.className = 'device';
      id.textContent = conflict.serverDeviceId;
      device.replaceChildren('From device ', id);
    } else device.replaceChildren('From an unknown device');
    const saved = this.field('[data-field="server-saved"]');
    saved.hidden = !conflict.serverModified;
    if (conflict.serverModified) {
      saved.textContent = `Saved ${formatTimeAgo(conflict.serverModified)}`;
      saved.title = formatDateTime(conflict.serverModified);
    }
    for (const kind of ['added', 'removed', 'changed'] as const) this.fillKind(kind, conflict.diff[kind]);
    const anyKeys = conflict.diff.added.length + conflict.diff.removed.length + conflict.diff.changed.length > 0;
    this.field('.diff').hidden = !anyKeys;
  }

  private fillKind(kind: 'added' | 'removed' | 'changed', keys: string[]): void {
    const row = this.field(`[data-kind="${kind}"]`);
    row.hidden = keys.length === 0;
    const list = row.querySelector<HTMLElement>('.keys')!;
    list.replaceChildren();
    for (const key of keys.slice(0, KEYS_SHOWN_PER_KIND)) {
      const code = document.createElement('code');
      code.textContent = key;
      list.append(code);
    }
    const rest = keys.length - KEYS_SHOWN_PER_KIND;
    if (rest > 0) {
      const more = document.createElement('span');
      more.className = 'more';
      more.textContent = `and ${rest} more`;
      more.title = keys.slice(KEYS_SHOWN_PER_KIND).join(', ');
      list.append(more);
    }
  }

  private field(selector: string): HTMLElement {
    return this.root.querySelector<HTMLElement>(selector)!;
  }

  private closeDialog(): void {
    if (!this.dialog.open) return;
    // Browsers fire `close` in a later task, so the flag is cleared by the handler, not here.
    this.closingOurselves = true;
    this.dialog.close();
  }

  private onClose(): void {
    if (this.closingOurselves) {
      this.closingOurselves = false;
      return;
    }
    if (this.conflictKey === null) return;
    this.dismissedKey = this.conflictKey;
    this.dispatchEvent(new CustomEvent('taco-sync-dismissed', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'taco-sync-conflict': TacoSyncConflictElement;
  }
}
