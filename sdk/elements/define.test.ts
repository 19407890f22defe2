import { describe, expect, it } from 'vitest';
import { defineTacoSyncElements } from './define.js';
import { TacoSyncConflictElement } from './sync-conflict-element.js';
import { TacoSyncHistoryElement } from './sync-history-element.js';
import { TacoSyncStatusElement } from './sync-status-element.js';

describe('defineTacoSyncElements', () => {
  it('is needed: importing the elements registers nothing', () => {
    expect(customElements.get('taco-sync-status')).toBeUndefined();
    expect(customElements.get('taco-sync-conflict')).toBeUndefined();
    expect(customElements.get('taco-sync-history')).toBeUndefined();
  });

  it('registers all three tags', () => {
    defineTacoSyncElements();
    expect(customElements.get('taco-sync-status')).toBe(TacoSyncStatusElement);
    expect(customElements.get('taco-sync-conflict')).toBe(TacoSyncConflictElement);
    expect(customElements.get('taco-sync-history')).toBe(TacoSyncHistoryElement);
  });

  it('can be called again without throwing', () => {
    defineTacoSyncElements();
    expect(() => defineTacoSyncElements()).not.toThrow();
  });
});
