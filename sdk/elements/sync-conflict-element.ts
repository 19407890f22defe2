import type { ConflictChoice } from '../core/sync-manager.js';
import type { ConflictInfo, ConflictReason, ConflictSide, SyncState } from '../core/sync-state.js';
import { formatByteSize } from './byte-size.js';
import type { ErrorText } from './error-text.js';
import type { SyncResolvedDetail } from './events.js';
import { ManagerElement } from './manager-element.js';
import { formatDateTime, formatTimeAgo } from './relative-time.js';

/** How many keys of each kind the technical details list before summing up the rest. */
export const KEYS_SHOWN_PER_KIND = 6;

/** What the dialog says for one reason: its title, why, and what the two sides are called. */
interface ReasonWords {
  title: string;
  why: string;
  local: string;
  server: string;
  /** The buttons' and the note's words, where they differ from a choice between two copies. */
  keepLocal?: string;
  useServer?: string;
  note?: string;
}

const CHANGED_IN_TWO_PLACES = 'Your data changed in two places';

const REASONS: Record<ConflictReason, ReasonWords> = {
  'server-newer': {
    title: CHANGED_IN_TWO_PLACES,
    why: 'This device has changes that have not synced yet, and another device has since synced newer data to the server.',
    local: 'This device',
    server: 'Server',
  },
  'push-rejected': {
    title: CHANGED_IN_TWO_PLACES,
    why: 'Another device synced different data moments before this one.',
    local: 'This device',
    server: 'Server',
  },
  'server-behind': {
    title: CHANGED_IN_TWO_PLACES,
    why: 'The server no longer holds the copy this device last synced (it may have been reset or restored), and the two differ.',
    local: 'This device',
    server: 'Server',
  },
  'first-sync': {
    title: 'This device and your account hold different data',
    why: 'This device has data that was never synced, and your account already holds different data on the server. If this device only holds what the app starts with, you probably want the server data.',
    local: 'This device',
    server: 'Your account',
  },
  'other-account': {
    title: "This device holds another account's data",
    why: 'The data on this device belongs to another account that used sync in this browser. Nothing moves until you choose: upload it to the account you are signed in with now, or put it aside and use this account’s data.',
    local: 'On this device (other account)',
    server: 'Your account',
  },
  'local-emptied': {
    title: 'The data on this device was emptied',
    why: 'Everything the app keeps on this device was removed, while the server still holds your data. Keep it empty only if you meant to clear it everywhere.',
    local: 'This device',
    server: 'Server',
  },
  'stale-write-back': {
    title: 'An older copy was saved over new data',
    why: 'Sync had just brought in data from another device, and this page then saved the copy it held before. If you did not mean to undo the other device’s changes, use the server data.',
    local: 'This page saved',
    server: 'Server',
  },
  'cloud-deleted': {
    title: 'Your cloud data was deleted',
    why: 'The data this device synced was deleted from the server (its version history too). This device still holds its copy: upload it again, or keep it on this device only and stop syncing it here.',
    local: 'This device',
    server: 'Server (deleted)',
    keepLocal: 'Upload this device’s data again',
    useServer: 'Keep it on this device only',
    note: 'Nothing on this device is removed either way. If you keep it on this device only, sync stops here until you choose Sync now.',
  },
};

/**
 * What a key-level conflict (DESIGN §9) adds to the summary: which entries both devices changed
 * differently, and that the choice decides only those.
 */
function collisionText(keys: readonly string[]): string {
  if (!keys.length)
    return 'Other devices kept syncing while this one merged their changes. No entry was changed differently on both sides: either choice keeps every change of both devices.';
  const named = keys.slice(0, KEYS_SHOWN_PER_KIND).map((key) => `“${key}”`);
  const rest = keys.length - named.length;
  const list =
    rest > 0
      ? `${named.join(', ')} and ${rest} more`
      : named.length > 1
        ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`
        : named[0];
  const these = keys.length === 1 ? 'this entry' : 'these entries';
  return `Both devices changed ${list} in different ways. Your choice decides only ${these}: all other changes of both devices are kept.`;
}

const NOTE_TEXT =
  'Nothing is lost either way. If you use the server data, the data on this device is backed up here first and can be restored. If you keep your changes, the server’s copy stays in its version history.';

const CONFLICT_CSS = `
:host { display: contents; }
dialog {
  box-sizing: border-box;
  width: min(36rem, calc(100vw - 32px));
  max-width: none;
  max-height: calc(100vh - 32px);
  max-height: calc(100dvh - 32px);
  padding: 0;
  border: 1px solid var(--_border);
  border-radius: calc(var(--_radius) + 4px);
  background: var(--_surface);
  color: var(--_text);
  box-shadow: 0 1px 3px rgb(0 0 0 / 0.12), 0 16px 48px rgb(0 0 0 / 0.22);
  font: inherit;
  overflow: hidden;
}
dialog[open] { display: flex; flex-direction: column; }
dialog::backdrop { background: var(--_backdrop); }
.head { padding: 22px 24px 0; flex: none; }
.body {
  flex: 1 1 auto;
  min-height: 0;
  overflow: auto;
  overscroll-behavior: contain;
  padding: 6px 24px 4px;
}
h2 {
  margin: 0;
  font-size: 1.2em;
  line-height: 1.3;
  font-weight: 650;
}
/* The title takes focus on open only so that no choice has it; it is not a control, so no ring. */
h2:focus, h2:focus-visible { outline: none; }
h3 {
  margin: 0 0 4px;
  font-size: 1em;
  font-weight: 600;
}
p { margin: 0; }
.summary { color: var(--_muted); }
.copies {
  display: grid;
  grid-template-columns: 1fr 1fr;
  gap: 12px;
  margin: 16px 0;
}
.copy {
  min-width: 0;
  padding: 12px 14px;
  border: 1px solid var(--_border);
  border-radius: var(--_radius);
  background: color-mix(in srgb, var(--_text) 3%, var(--_surface));
}
.copy > p { color: var(--_muted); font-size: 0.93em; overflow-wrap: anywhere; }
.copy .nowrap { white-space: nowrap; }
.values { margin: 0 0 16px; }
.values > h3 { margin-bottom: 8px; }
.values dl { display: grid; gap: 12px; margin: 0; }
.value { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 10px; align-items: baseline; }
.value > dt { grid-column: 1 / -1; }
.value > dd { display: contents; }
.side { color: var(--_muted); font-size: 0.93em; }
.text {
  max-height: 7.5em;
  overflow: auto;
  padding: 4px 8px;
  border-radius: 4px;
  background: color-mix(in srgb, var(--_text) 6%, var(--_surface));
  white-space: pre-wrap;
  overflow-wrap: anywhere;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 0.88em;
}
.text.absent { font-family: inherit; font-style: italic; color: var(--_muted); background: none; padding-left: 0; }
code {
  padding: 1px 6px;
  border-radius: 4px;
  background: color-mix(in srgb, var(--_text) 8%, var(--_surface));
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 0.88em;
  overflow-wrap: anywhere;
}
.more { margin-top: 10px; color: var(--_muted); font-size: 0.93em; }
.note {
  display: flex;
  gap: 10px;
  padding: 10px 12px;
  border-radius: var(--_radius);
  background: color-mix(in srgb, var(--_info) var(--_tint), var(--_surface));
  font-size: 0.93em;
}
.note svg { flex: none; margin-top: 2px; color: var(--_info); }
.technical { margin: 14px 0 4px; color: var(--_muted); font-size: 0.93em; }
.technical > summary { cursor: pointer; width: max-content; }
.technical > summary:focus-visible { outline: 2px solid var(--_focus); outline-offset: 2px; }
.technical dl {
  display: grid;
  grid-template-columns: max-content minmax(0, 1fr);
  gap: 6px 14px;
  margin: 10px 0 0;
}
.technical dt { color: var(--_muted); }
.technical dd { margin: 0; color: var(--_text); overflow-wrap: anywhere; }
.keys { display: flex; flex-wrap: wrap; gap: 6px; }
.error { margin-top: 12px; }
.actions {
  flex: none;
  display: flex;
  flex-wrap: wrap;
  justify-content: flex-end;
  gap: 8px;
  padding: 16px 24px 20px;
  border-top: 1px solid var(--_border);
}
@media (max-width: 480px) {
  dialog { width: calc(100vw - 16px); max-height: calc(100vh - 16px); max-height: calc(100dvh - 16px); }
  .head { padding: 18px 16px 0; }
  .body { padding: 6px 16px 4px; }
  .copies { grid-template-columns: 1fr; gap: 8px; margin: 12px 0; }
  .copy { padding: 10px 12px; }
  .actions { padding: 12px 16px 16px; }
  .actions button { flex: 1 1 9em; min-height: 40px; padding: 0 10px; }
}
`;

const INFO_ICON = `<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" fill="currentColor"><path d="M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM0 8a8 8 0 1 1 16 0A8 8 0 0 1 0 8Zm6.5-.25A.75.75 0 0 1 7.25 7h1a.75.75 0 0 1 .75.75v2.75h.25a.75.75 0 0 1 0 1.5h-2a.75.75 0 0 1 0-1.5h.25v-2h-.25a.75.75 0 0 1-.75-.75ZM8 6a1 1 0 1 1 0-2 1 1 0 0 1 0 2Z"/></svg>`;

const CONFLICT_HTML = `
<dialog part="dialog" aria-labelledby="title" aria-describedby="summary">
  <div class="head">
    <h2 id="title" part="title" tabindex="-1">${CHANGED_IN_TWO_PLACES}</h2>
  </div>
  <div class="body" part="body">
    <p id="summary" class="summary" part="summary"></p>
    <div class="copies" part="copies">
      <section class="copy" part="copy local" aria-labelledby="local-name">
        <h3 id="local-name" data-field="local-name">This device</h3>
        <p data-field="local-origin"></p>
        <p data-field="local-holds"></p>
      </section>
      <section class="copy" part="copy server" aria-labelledby="server-name">
        <h3 id="server-name" data-field="server-name">Server</h3>
        <p data-field="server-origin"></p>
        <p data-field="server-holds"></p>
      </section>
    </div>
    <section class="values" part="values" aria-labelledby="values-title">
      <h3 id="values-title">What each side says</h3>
      <dl></dl>
      <p class="more"></p>
    </section>
    <p class="note" part="note">${INFO_ICON}<span>${NOTE_TEXT}</span></p>
    <details class="technical" part="technical">
      <summary>Technical details</summary>
      <dl>
        <dt>Reason</dt><dd><code data-field="reason"></code></dd>
        <dt>Versions</dt><dd data-field="versions"></dd>
        <dt>Server device id</dt><dd data-field="server-device-id"></dd>
        <dt data-kind="added">Only on this device</dt><dd data-kind="added" class="keys"></dd>
        <dt data-kind="removed">Only on the server</dt><dd data-kind="removed" class="keys"></dd>
        <dt data-kind="changed">Different on each</dt><dd data-kind="changed" class="keys"></dd>
      </dl>
    </details>
    <p class="error" part="error" role="alert" hidden></p>
  </div>
  <div class="actions" part="actions">
    <button type="button" part="button use-server" data-choice="use-server"><span class="spinner" aria-hidden="true"></span>Use server data</button>
    <button type="button" part="button keep-local" data-choice="keep-local"><span class="spinner" aria-hidden="true"></span>Keep my changes</button>
  </div>
</dialog>
`;

/**
 * `<taco-sync-conflict>`: a modal `<dialog>` that opens by itself when a {@link SyncManager} reports a
 * conflict, so a person can decide it. It says why (in words for every `ConflictReason`), shows both
 * sides (which device, when, how much each holds), what each side says for the few small differing
 * values, notes that nothing is lost, and offers "Keep my changes" and "Use server data". Neither
 * choice is preselected: the dialog opens scrolled to the top with focus on its title, and Escape only
 * dismisses it. Keys, versions and device ids are under "Technical details". It closes when the
 * conflict is resolved.
 *
 * - Property `manager`: the `SyncManager` to watch; subscribes while connected.
 * - Method `show()`: reopens the dialog after the user dismissed it with Escape.
 * - Parts: `dialog`, `title`, `body`, `summary`, `copies`, `copy` (`local`, `server`), `values`, `note`,
 *   `technical`, `error`, `actions`, `button` (`keep-local`, `use-server`).
 * - Events (bubble, composed): `taco-sync-resolved` (`detail: { choice }`) after a choice succeeded;
 *   `taco-sync-error` (`detail: { action, error }`) when it failed (what failed shows in the dialog);
 *   `taco-sync-dismissed` when the user closed the dialog without choosing.
 *
 * @example
 * const dialog = document.createElement('taco-sync-conflict');
 * dialog.manager = manager;
 * document.body.append(dialog);
 */
export class TacoSyncConflictElement extends ManagerElement {
  private readonly dialog: HTMLDialogElement;
  private readonly body: HTMLElement;
  private readonly error: HTMLElement;
  private readonly buttons: HTMLButtonElement[];
  private choosing: ConflictChoice | null = null;
  private conflictKey: string | null = null;
  private dismissedKey: string | null = null;
  private closingOurselves = false;

  constructor() {
    super(CONFLICT_CSS, CONFLICT_HTML);
    this.dialog = this.root.querySelector('dialog')!;
    this.body = this.field('.body');
    this.error = this.field('.error');
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
    const key = `${conflict.reason}:${conflict.localVersion}:${conflict.serverVersion}:${conflict.serverModified}`;
    if (key !== this.conflictKey) this.showActionError(null);
    this.conflictKey = key;
    this.fill(conflict);
    for (const button of this.buttons) {
      button.setAttribute('aria-disabled', String(this.busy));
      if (this.busy && button.dataset.choice === this.choosing) button.setAttribute('aria-busy', 'true');
      else button.removeAttribute('aria-busy');
    }
    if (!this.dialog.open && this.dismissedKey !== key && this.isConnected) {
      this.dialog.showModal();
      // Neither choice is the default: focus goes to the title (read first by screen readers), and
      // the body starts at its top, so the title and the reason are what a person sees first.
      this.field('#title').focus({ preventScroll: true });
      this.body.scrollTop = 0;
    }
  }

  /** Keeps "saved 5 min ago" true while the dialog stays open. */
  protected override redrawTimes(): void {
    if (this.dialog.open) this.refresh();
  }

  protected showActionError(error: ErrorText | null): void {
    this.error.hidden = error === null;
    this.error.textContent = error === null ? '' : `That did not work: ${error.text}`;
    if (error) this.error.title = error.technical;
    else this.error.removeAttribute('title');
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

  private fill(conflict: ConflictInfo): void {
    const words = REASONS[conflict.reason] ?? REASONS['server-newer'];
    this.field('#title').textContent = words.title;
    this.field('#summary').textContent = conflict.keys
      ? `${words.why} ${collisionText(conflict.keys)}`
      : words.keepLocal
        ? words.why
        : `${words.why} Choose which copy to keep.`;
    for (const button of this.buttons)
      button.lastChild!.textContent =
        button.dataset.choice === 'keep-local'
          ? (words.keepLocal ?? 'Keep my changes')
          : (words.useServer ?? 'Use server data');
    this.field('.note > span').textContent = words.note ?? NOTE_TEXT;
    this.field('[data-field="local-name"]').textContent = words.local;
    this.field('[data-field="server-name"]').textContent = words.server;
    this.fillSide('local', conflict.local, this.localOrigin(conflict));
    this.fillSide('server', conflict.server, this.serverOrigin(conflict));
    this.fillValues(conflict, words.server);
    this.fillTechnical(conflict);
  }

  /** "Firefox on Linux", "changed 2 min ago". */
  private localOrigin({ local, localVersion }: ConflictInfo): Origin {
    const when = local.modifiedAt
      ? `changed ${formatTimeAgo(local.modifiedAt)}`
      : localVersion > 0
        ? ''
        : 'never synced';
    return [local.deviceName, when];
  }

  /** "Chrome on Android", "saved 5 min ago"; a device without a name is "Another device", never its id. */
  private serverOrigin({ server, serverDeviceId, serverVersion, reason }: ConflictInfo): Origin {
    if (serverVersion === 0) return [null, 'nothing stored yet'];
    if (reason === 'cloud-deleted')
      return [null, server.modifiedAt ? `deleted ${formatTimeAgo(server.modifiedAt)}` : 'deleted'];
    const device = server.deviceName ?? (serverDeviceId ? 'Another device' : null);
    return [device, server.modifiedAt ? `saved ${formatTimeAgo(server.modifiedAt)}` : ''];
  }

  private fillSide(side: 'local' | 'server', info: ConflictSide, [device, when]: Origin): void {
    const originLine = this.field(`[data-field="${side}-origin"]`);
    // "changed 3 min ago" stays on one line: a long device name wraps at the comma instead.
    const time = document.createElement('span');
    time.className = 'nowrap';
    time.textContent = device ? when : capitalise(when);
    originLine.replaceChildren(...(device ? [device, ...(when ? [', ', time] : [])] : [time]));
    originLine.hidden = !device && !when;
    if (info.modifiedAt) originLine.title = formatDateTime(info.modifiedAt);
    else originLine.removeAttribute('title');
    this.field(`[data-field="${side}-holds"]`).textContent =
      info.keys === 0
        ? 'Empty'
        : `${info.keys} ${info.keys === 1 ? 'entry' : 'entries'}, ${formatByteSize(info.bytes)}`;
  }

  private fillValues(conflict: ConflictInfo, serverName: string): void {
    const { diff, values } = conflict;
    // A key-level conflict shows only what collides; the rest is merged.
    const differing = conflict.keys?.length ?? diff.added.length + diff.removed.length + diff.changed.length;
    const section = this.field('.values');
    section.hidden = differing === 0;
    const list = section.querySelector('dl')!;
    list.replaceChildren(
      ...values.map((value) => {
        const row = document.createElement('div');
        row.className = 'value';
        const name = document.createElement('dt');
        const code = document.createElement('code');
        code.textContent = value.key;
        name.append(code);
        const sides = document.createElement('dd');
        sides.append(sideLabel('This device'), valueText(value.local), sideLabel(serverName), valueText(value.server));
        row.append(name, sides);
        return row;
      }),
    );
    list.hidden = values.length === 0;
    const rest = differing - values.length;
    const more = section.querySelector<HTMLElement>('.more')!;
    more.hidden = rest <= 0;
    more.textContent =
      values.length === 0
        ? `${rest} ${rest === 1 ? 'entry differs' : 'entries differ'}, too long to show here.`
        : `${rest} more ${rest === 1 ? 'entry differs' : 'entries differ'}, too long to show here.`;
  }

  private fillTechnical(conflict: ConflictInfo): void {
    this.field('[data-field="reason"]').textContent = conflict.reason;
    this.field('[data-field="versions"]').textContent =
      `this device is based on ${conflict.localVersion || 'none'}, the server holds ${conflict.serverVersion || 'none'}`;
    this.field('[data-field="server-device-id"]').textContent = conflict.serverDeviceId ?? 'unknown';
    for (const kind of ['added', 'removed', 'changed'] as const) this.fillKind(kind, conflict.diff[kind]);
  }

  private fillKind(kind: 'added' | 'removed' | 'changed', keys: string[]): void {
    const [term, list] = [...this.root.querySelectorAll<HTMLElement>(`[data-kind="${kind}"]`)];
    term!.hidden = list!.hidden = keys.length === 0;
    list!.replaceChildren();
    for (const key of keys.slice(0, KEYS_SHOWN_PER_KIND)) {
      const code = document.createElement('code');
      code.textContent = key;
      list!.append(code);
    }
    const rest = keys.length - KEYS_SHOWN_PER_KIND;
    if (rest > 0) {
      const more = document.createElement('span');
      more.textContent = `and ${rest} more`;
      more.title = keys.slice(KEYS_SHOWN_PER_KIND).join(', ');
      list!.append(more);
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

/** Which device wrote a side (null when unknown) and when ("saved 5 min ago", or empty). */
type Origin = [device: string | null, when: string];

const capitalise = (text: string): string => (text ? text[0]!.toUpperCase() + text.slice(1) : text);

function sideLabel(name: string): HTMLElement {
  const label = document.createElement('span');
  label.className = 'side';
  label.textContent = name;
  return label;
}

/** A value as text, or a word for a missing or empty one. */
function valueText(value: string | null): HTMLElement {
  const text = document.createElement('span');
  text.className = value ? 'text' : 'text absent';
  text.textContent = value === null ? 'Not there' : value === '' ? 'Empty' : value;
  return text;
}

declare global {
  interface HTMLElementTagNameMap {
    'taco-sync-conflict': TacoSyncConflictElement;
  }
}
