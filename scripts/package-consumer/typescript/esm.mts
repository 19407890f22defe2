// The ES module half of a mixed program: these resolve to the package's .d.ts files.
import { createSync, type SyncManager } from 'taco-sync';
import { canonicalJson } from 'taco-sync/contract';
import { TacoSyncConflictElement, TacoSyncHistoryElement, TacoSyncStatusElement } from 'taco-sync/elements';
import { tempoAdapter } from 'taco-sync/presets';
import { useSyncState } from 'taco-sync/react';
import { createSyncState } from 'taco-sync/solid';
import type { JSX as SolidJSX } from 'solid-js';
import { fromRequire, statusFromRequire } from './cjs.cjs';

export function mixed(manager: SyncManager): void {
  // An element typed by the CommonJS declarations is the ES module declarations' element, and back.
  const status: TacoSyncStatusElement = statusFromRequire(manager);
  const again: ReturnType<typeof statusFromRequire> = document.createElement('taco-sync-status');
  const conflict: TacoSyncConflictElement | null = document.querySelector('taco-sync-conflict');
  const history: TacoSyncHistoryElement = document.createElement('taco-sync-history');
  status.manager = again.manager;
  conflict?.show();
  void history.reload();
  // @ts-expect-error the tag map still types the elements: compact is a boolean
  status.compact = 'yes';
  const solidTag: SolidJSX.IntrinsicElements['taco-sync-status'] = { 'prop:manager': manager, compact: true };
  void solidTag;
  const same: typeof fromRequire.createSync = createSync;
  void [same, canonicalJson, tempoAdapter, useSyncState, createSyncState];
}
