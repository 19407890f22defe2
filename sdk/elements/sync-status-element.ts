import type { SyncState } from '../core/sync-state.js';
import type { ErrorText } from './error-text.js';
import type { SyncReloadDetail } from './events.js';
import { ManagerElement } from './manager-element.js';
import { formatDateTime } from './relative-time.js';
import { describeSyncState } from './status-text.js';

// `compact="false"` is not compact: server renderers write boolean props as "true"/"false" text.
const COMPACT = ':host([compact]:not([compact="false"]))';

const STATUS_CSS = `
:host { display: inline-block; }
.root {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 8px 12px;
}
.badge {
  display: inline-flex;
  align-items: center;
  gap: 7px;
  padding: 3px 10px 3px 9px;
  border-radius: 999px;
  background: color-mix(in srgb, var(--_tone) var(--_tint), var(--_surface));
  color: var(--_tone);
  font-weight: 600;
  white-space: nowrap;
  box-shadow: inset 0 0 0 1px color-mix(in srgb, var(--_tone) 28%, transparent);
}
.dot {
  width: 8px;
  height: 8px;
  border-radius: 50%;
  background: currentColor;
  flex: none;
}
.root[data-status="syncing"] .dot {
  background: transparent;
  border: 2px solid currentColor;
  border-right-color: transparent;
  width: 10px;
  height: 10px;
  box-sizing: border-box;
  animation: taco-sync-spin 0.8s linear infinite;
}
@media (prefers-reduced-motion: reduce) {
  .root[data-status="syncing"] .dot { animation: none; transform: rotate(45deg); }
}
.detail {
  color: var(--_muted);
  min-width: 0;
  flex: 1 1 12em;
}
.root[data-tone="danger"] .detail { color: var(--_text); }
.error, .notice { flex-basis: 100%; }
.notice {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 6px 12px;
  margin: 0;
  color: var(--_text);
}
.notice[part~="reload-offer"] {
  padding: 6px 6px 6px 12px;
  border-radius: var(--_radius);
  background: color-mix(in srgb, var(--_info) var(--_tint), var(--_surface));
}
.notice > span { flex: 1 1 16em; }
.notice[part~="local-state"] { color: var(--_muted); }
${COMPACT} .notice { flex-basis: auto; padding: 0; background: none; }
${COMPACT} .notice > span { display: none; }
.root[data-tone="success"] { --_tone: var(--_success); }
.root[data-tone="info"] { --_tone: var(--_info); }
.root[data-tone="warning"] { --_tone: var(--_warning); }
.root[data-tone="danger"] { --_tone: var(--_danger); }
.root[data-tone="neutral"] { --_tone: var(--_neutral); }
${COMPACT} .detail { display: none; }
`;

const STATUS_HTML = `
<div class="root" part="root" data-tone="neutral" data-status="none">
  <span class="badge" part="badge" role="status" aria-live="polite">
    <span class="dot" part="dot" aria-hidden="true"></span>
    <span class="label" part="label">Not connected</span>
  </span>
  <span class="detail" part="detail" id="detail"></span>
  <button type="button" part="button" aria-describedby="detail"><span class="spinner" aria-hidden="true"></span>Sync now</button>
  <p class="error" part="error" role="alert" hidden></p>
  <p class="notice" part="notice reload-offer" hidden><span id="reload-offer"></span><button type="button" part="button reload" class="primary" aria-describedby="reload-offer">Reload</button></p>
  <p class="notice" part="notice local-state" hidden></p>
</div>
`;

/**
 * `<taco-sync-status>`: a badge that shows where a {@link SyncManager} stands, when it last synced
 * (redrawn every {@link TIME_REFRESH_MS}), why it is off or failing (in plain words; the technical
 * message is the detail's tooltip), and a "Sync now" button. When the state's `reloadReason` is set it
 * offers a reload; when `localStateProblem` is set it says so.
 *
 * - Property `manager`: the `SyncManager` to show; subscribes while connected.
 * - Attribute and property `compact`: hides the detail sentence and the notes' text (the badge's
 *   tooltip still carries the detail; the Reload button stays).
 * - Parts: `root`, `badge`, `dot`, `label`, `detail`, `button` (also `reload`), `error`, `notice`
 *   (`reload-offer`, `local-state`).
 * - Event `taco-sync-error` (`detail: { action, error }`, bubbles, composed) when "Sync now" fails;
 *   what failed is also shown in the `error` part.
 * - Event `taco-sync-reload` (`detail: { reason }`, bubbles, composed, cancelable) when "Reload" is
 *   clicked; unless a listener calls `preventDefault()`, the element then calls `location.reload()`.
 * - The root carries `data-status` and `data-tone` for styling from `::part(root)` selectors.
 *
 * @example
 * const badge = document.createElement('taco-sync-status');
 * badge.manager = createSync({ ... });
 * document.querySelector('header')!.append(badge);
 */
export class TacoSyncStatusElement extends ManagerElement {
  private readonly container: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly label: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly button: HTMLButtonElement;
  private readonly error: HTMLElement;
  private readonly reloadOffer: HTMLElement;
  private readonly localState: HTMLElement;

  constructor() {
    super(STATUS_CSS, STATUS_HTML);
    const find = <T extends Element>(selector: string): T => this.root.querySelector<T>(selector)!;
    this.container = find('.root');
    this.badge = find('.badge');
    this.label = find('.label');
    this.detail = find('.detail');
    this.button = find('button');
    this.error = find('.error');
    this.reloadOffer = find('[part~="reload-offer"]');
    this.localState = find('[part~="local-state"]');
    this.button.addEventListener('click', () => {
      if (this.button.getAttribute('aria-disabled') === 'true') return;
      void this.runAction('syncNow', (manager) => manager.syncNow());
    });
    find('[part~="reload"]').addEventListener('click', () => this.reload());
  }

  /**
   * Hides the detail sentence (the badge's tooltip keeps it). Reflects the `compact` attribute, so a
   * framework can set either; `compact="false"` (what server renderers such as Solid's write for
   * `compact={false}`) reads as not compact.
   */
  get compact(): boolean {
    return this.hasAttribute('compact') && this.getAttribute('compact') !== 'false';
  }

  set compact(compact: boolean) {
    this.toggleAttribute('compact', compact);
  }

  override connectedCallback(): void {
    this.upgradeProperty('compact');
    super.connectedCallback();
  }

  protected override redrawTimes(): void {
    this.refresh();
  }

  protected render(state: SyncState | null): void {
    if (!state) {
      this.container.dataset.status = 'none';
      this.container.dataset.tone = 'neutral';
      this.setText(this.label, 'Not connected');
      this.setText(this.detail, 'No sync manager is attached.');
      this.setBlocked('No sync manager is attached.');
      this.showNotes(null, null, null);
      return;
    }
    const text = describeSyncState(state);
    this.container.dataset.status = state.status;
    this.container.dataset.tone = text.tone;
    this.setText(this.label, text.label);
    this.setText(this.detail, text.detail);
    this.badge.title = text.detail;
    const exact = state.lastSyncedAt ? formatDateTime(state.lastSyncedAt) : '';
    const tooltip = [exact && `Last synced ${exact}`, text.technical].filter(Boolean).join('\n');
    if (tooltip) this.detail.title = tooltip;
    else this.detail.removeAttribute('title');
    if (state.status === 'synced') this.showActionError(null);
    this.setBlocked(this.busy ? null : text.syncNowBlockedReason);
    this.showNotes(text.reloadOffer, text.localStateNote, state.localStateProblem);
  }

  protected showActionError(error: ErrorText | null): void {
    this.error.hidden = error === null;
    this.setText(this.error, error === null ? '' : `Sync now failed: ${error.text}`);
    if (error) this.error.title = error.technical;
    else this.error.removeAttribute('title');
  }

  private showNotes(reloadOffer: string | null, localStateNote: string | null, localStateProblem: string | null): void {
    this.reloadOffer.hidden = reloadOffer === null;
    this.setText(this.reloadOffer.querySelector('span')!, reloadOffer ?? '');
    this.localState.hidden = localStateNote === null;
    this.setText(this.localState, localStateNote ?? '');
    if (localStateProblem) this.localState.title = localStateProblem;
    else this.localState.removeAttribute('title');
  }

  /** Offers the app the reload first (a cancelable event), then reloads the page. */
  private reload(): void {
    const reason = this.manager?.getState().reloadReason;
    if (!reason) return;
    const event = new CustomEvent<SyncReloadDetail>('taco-sync-reload', {
      detail: { reason },
      bubbles: true,
      composed: true,
      cancelable: true,
    });
    if (this.dispatchEvent(event)) location.reload();
  }

  /** Marks the button unavailable (with its reason) or busy; `aria-disabled` keeps it focusable. */
  private setBlocked(reason: string | null): void {
    const unavailable = this.busy || reason !== null;
    this.button.setAttribute('aria-disabled', String(unavailable));
    if (this.busy) this.button.setAttribute('aria-busy', 'true');
    else this.button.removeAttribute('aria-busy');
    if (reason) this.button.title = reason;
    else this.button.removeAttribute('title');
  }

  // Writing only on change keeps the live region from re-announcing the same words.
  private setText(element: HTMLElement, text: string): void {
    if (element.textContent !== text) element.textContent = text;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'taco-sync-status': TacoSyncStatusElement;
  }
}
