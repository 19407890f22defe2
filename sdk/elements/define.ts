import { TacoSyncConflictElement } from './sync-conflict-element.js';
import { TacoSyncStatusElement } from './sync-status-element.js';

/**
 * Registers `<taco-sync-status>` and `<taco-sync-conflict>`. The package has no side effects on
 * import, so call this once before using the tags. Calling it again, or after another copy registered
 * the tags, does nothing; without a DOM (server rendering) it does nothing either.
 *
 * @example
 * import { defineTacoSyncElements } from 'taco-sync/elements';
 * defineTacoSyncElements();
 */
export function defineTacoSyncElements(): void {
  if (typeof customElements === 'undefined') return;
  if (!customElements.get('taco-sync-status')) customElements.define('taco-sync-status', TacoSyncStatusElement);
  if (!customElements.get('taco-sync-conflict')) customElements.define('taco-sync-conflict', TacoSyncConflictElement);
}
