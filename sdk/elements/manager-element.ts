import type { SyncManager } from '../core/sync-manager.js';
import type { SyncState } from '../core/sync-state.js';
import { findPageManager, watchPageManagers } from '../platform/page-managers.js';
import { describeSyncError, type ErrorText } from './error-text.js';
import type { SyncAction, SyncActionErrorDetail } from './events.js';
import { THEME_CSS } from './theme.js';

/** How often the elements redraw relative times ("last synced 2 min ago") while connected. */
export const TIME_REFRESH_MS = 30_000;

// Importing this module where there is no DOM (server rendering) must not throw: the class is then
// defined over an empty base and simply never registered.
const HTMLElementBase: typeof HTMLElement =
  typeof HTMLElement === 'undefined' ? (class {} as unknown as typeof HTMLElement) : HTMLElement;

/**
 * The part the taco-sync elements share: a shadow root with the theme, a `manager` property that
 * subscribes while the element is connected (or, without one, the manager `createSync` made on the
 * page for the `app` attribute), and buttons that run a manager call with a busy state and a visible
 * error.
 */
export abstract class ManagerElement extends HTMLElementBase {
  private boundManager: SyncManager | null = null;
  /** True once the `manager` property was set: it then wins over the `app` attribute. */
  private managerSet = false;
  private stopWaiting: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  private running = false;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** The shadow root, open so tests and tools can reach in. */
  protected readonly root: ShadowRoot;

  protected constructor(css: string, html: string) {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.innerHTML = `<style>${THEME_CSS}${css}</style>${html}`;
  }

  /**
   * The manager this element shows and controls. Setting it subscribes at once when connected (or on
   * connect); the element unsubscribes when removed from the document or given another manager.
   * Without it, an element with an `app` attribute (`<taco-sync-status app="tenure">`) takes the
   * last manager `createSync` made on the page for that app, now or when it is made: frameworks
   * that hydrate server-rendered HTML (React 19) set no properties on custom elements.
   */
  get manager(): SyncManager | null {
    return this.boundManager;
  }

  set manager(manager: SyncManager | null) {
    this.managerSet = manager !== null;
    this.bind(manager);
  }

  private bind(manager: SyncManager | null): void {
    if (manager === this.boundManager) return;
    this.detach();
    this.boundManager = manager;
    if (this.isConnected) this.attach();
  }

  /** True while a button's manager call runs. */
  get busy(): boolean {
    return this.running;
  }

  connectedCallback(): void {
    this.upgradeProperty('manager');
    if (this.hasAttribute('app')) {
      this.bindByApp();
      this.stopWaiting ??= watchPageManagers(() => this.bindByApp());
    }
    this.attach();
    this.timer ??= setInterval(() => this.redrawTimes(), TIME_REFRESH_MS);
  }

  disconnectedCallback(): void {
    this.stopWaiting?.();
    this.stopWaiting = null;
    this.detach();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private bindByApp(): void {
    const manager = findPageManager(this.getAttribute('app') ?? '');
    if (!this.managerSet && manager) this.bind(manager);
  }

  /** Redraws relative times; called every {@link TIME_REFRESH_MS} while connected. */
  protected redrawTimes(): void {}

  /** Draws `state` (null when no manager is bound). */
  protected abstract render(state: SyncState | null): void;

  /** Shows or hides the error of a failed call, in plain words with its technical detail (null hides it). */
  protected abstract showActionError(error: ErrorText | null): void;

  /**
   * Moves a property assigned before the element was defined (frameworks set properties on tags
   * that are not upgraded yet) through the class's accessor, which the instance's own value hides.
   */
  protected upgradeProperty(name: string): void {
    if (!Object.prototype.hasOwnProperty.call(this, name)) return;
    const fields = this as unknown as Record<string, unknown>;
    const early = fields[name];
    delete fields[name];
    fields[name] = early;
  }

  /** Redraws from the manager's current state. */
  protected refresh(): void {
    this.render(this.boundManager?.getState() ?? null);
  }

  /**
   * Runs a manager call from a button: ignores clicks while one runs, marks the element busy, and on
   * failure shows what failed in plain words and dispatches `taco-sync-error`. Resolves true when the
   * call succeeded.
   */
  protected async runAction(action: SyncAction, call: (manager: SyncManager) => Promise<void>): Promise<boolean> {
    const manager = this.boundManager;
    if (!manager || this.running) return false;
    this.running = true;
    this.showActionError(null);
    this.refresh();
    try {
      await call(manager);
      return true;
    } catch (error) {
      this.showActionError(describeSyncError(error));
      this.dispatchEvent(
        new CustomEvent<SyncActionErrorDetail>('taco-sync-error', {
          detail: { action, error },
          bubbles: true,
          composed: true,
        }),
      );
      return false;
    } finally {
      this.running = false;
      this.refresh();
    }
  }

  private attach(): void {
    if (this.unsubscribe || !this.isConnected) return;
    const manager = this.boundManager;
    if (manager) this.unsubscribe = manager.subscribe((state) => this.render(state));
    this.refresh();
  }

  private detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }
}
