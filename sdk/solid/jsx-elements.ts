// Types only: this file has no runtime code, so importing taco-sync/solid adds none for it.
import type { JSX } from 'solid-js';
import type {
  TacoSyncConflictElement,
  TacoSyncEventMap,
  TacoSyncHistoryElement,
  TacoSyncStatusElement,
} from '../elements/index.js';
import type { SyncManager } from '../core/sync-manager.js';

/**
 * What every tag takes: the HTML attributes, a `ref` to the element, and the `manager` property.
 * `prop:` makes Solid set it as a property, also while hydrating.
 */
type TagProps<Element extends HTMLElement> = JSX.HTMLAttributes<Element> & {
  'prop:manager'?: SyncManager | null;
  /** Without `prop:manager`, the element takes the page's manager of this app (server-rendered HTML). */
  app?: string;
};

declare module 'solid-js' {
  namespace JSX {
    interface IntrinsicElements {
      'taco-sync-status': TagProps<TacoSyncStatusElement> & { compact?: boolean };
      'taco-sync-conflict': TagProps<TacoSyncConflictElement>;
      'taco-sync-history': TagProps<TacoSyncHistoryElement>;
    }
    // The events bubble, so `on:taco-sync-resolved` and the others are typed on every element.
    interface CustomEvents extends TacoSyncEventMap {}
  }
}
