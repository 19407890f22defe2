import { TacoSyncConflictElement } from './sync-conflict-element.js';
import { TacoSyncHistoryElement } from './sync-history-element.js';
import { TacoSyncStatusElement } from './sync-status-element.js';

/** The tags {@link defineTacoSyncElements} registers, and their classes. */
const TAGS = [
  ['taco-sync-status', TacoSyncStatusElement],
  ['taco-sync-conflict', TacoSyncConflictElement],
  ['taco-sync-history', TacoSyncHistoryElement],
] as const;

/**
 * Registers `<taco-sync-status>`, `<taco-sync-conflict>` and `<taco-sync-history>`. The package has
 * no side effects on import, so call this once before using the tags. Calling it again, or after
 * another copy registered the tags, does nothing; without a DOM (server rendering) it does nothing
 * either.
 *
 * @example
 * import { defineTacoSyncElements } from 'taco-sync/elements';
 * defineTacoSyncElements();
 */
export function defineTacoSyncElements(): void {
  if (typeof customElements === 'undefined') return;
  for (const [tag, element] of TAGS) if (!customElements.get(tag)) customElements.define(tag, element);
}
