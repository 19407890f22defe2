import type { SyncState } from '../core/sync-state.js';
import { ManagerElement } from './manager-element.js';
import { formatDateTime } from './relative-time.js';
import { describeSyncState } from './status-text.js';

/** How often "last synced 2 min ago" is redrawn while the element is connected. */
export const TIME_REFRESH_MS = 30_000;

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
.error { flex-basis: 100%; }
.root[data-tone="success"] { --_tone: var(--_success); }
.root[data-tone="info"] { --_tone: var(--_info); }
.root[data-tone="warning"] { --_tone: var(--_warning); }
.root[data-tone="danger"] { --_tone: var(--_danger); }
.root[data-tone="neutral"] { --_tone: var(--_neutral); }
:host([compact]) .detail { display: none; }
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
</div>
`;

/**
 * `<taco-sync-status>`: a badge that shows where a {@link SyncManager} stands, when it last synced
 * (redrawn every {@link TIME_REFRESH_MS}), why it is off or failing, and a "Sync now" button.
 *
 * - Property `manager`: the `SyncManager` to show; subscribes while connected.
 * - Attribute and property `compact`: hides the detail sentence (the badge's tooltip still carries it).
 * - Parts: `root`, `badge`, `dot`, `label`, `detail`, `button`, `error`.
 * - Event `taco-sync-error` (`detail: { action, error }`, bubbles, composed) when "Sync now" fails;
 *   the message is also shown in the `error` part.
 * - The root carries `data-status` and `data-tone` for styling from `::part(root)` selectors.
 *
 * @example
 * const badge = document.createElement('taco-sync-status');
 * badge.manager = createSync({ ... });
 * document.querySelector('header')!.append(badge);
 */
export class TacoSyncStatusElement extends ManagerElement {
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly container: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly label: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly button: HTMLButtonElement;
  private readonly error: HTMLElement;

  constructor() {
    super(STATUS_CSS, STATUS_HTML);
    const find = <T extends Element>(selector: string): T => this.root.querySelector<T>(selector)!;
    this.container = find('.root');
    this.badge = find('.badge');
    this.label = find('.label');
    this.detail = find('.detail');
    this.button = find('button');
    this.error = find('.error');
    this.button.addEventListener('click', () => {
      if (this.button.getAttribute('aria-disabled') === 'true') return;
      void this.runAction('syncNow', (manager) => manager.syncNow());
    });
  }

  /**
   * Hides the detail sentence (the badge's tooltip keeps it). Reflects the `compact` attribute, so a
   * framework can set either.
   */
  get compact(): boolean {
    return this.hasAttribute('compact');
  }

  set compact(compact: boolean) {
    this.toggleAttribute('compact', compact);
  }

  override connectedCallback(): void {
    this.upgradeProperty('compact');
    super.connectedCallback();
    this.timer ??= setInterval(() => this.refresh(), TIME_REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  protected render(state: SyncState | null): void {
    if (!state) {
      this.container.dataset.status = 'none';
      this.container.dataset.tone = 'neutral';
      this.setText(this.label, 'Not connected');
      this.setText(this.detail, 'No sync manager is attached.');
      this.setBlocked('No sync manager is attached.');
      return;
    }
    const text = describeSyncState(state);
    this.container.dataset.status = state.status;
    this.container.dataset.tone = text.tone;
    this.setText(this.label, text.label);
    this.setText(this.detail, text.detail);
    this.badge.title = text.detail;
    const exact = state.lastSyncedAt ? formatDateTime(state.lastSyncedAt) : '';
    if (exact) this.detail.title = `Last synced ${exact}`;
    else this.detail.removeAttribute('title');
    if (state.status === 'synced') this.showActionError(null);
    this.setBlocked(this.busy ? null : text.syncNowBlockedReason);
  }

  protected showActionError(message: string | null): void {
    this.error.hidden = message === null;
    this.setText(this.error, message === null ? '' : `Sync now failed: ${message}`);
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
