// Types only: this file has no runtime code, so importing taco-sync/react adds none for it.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type {
  TacoSyncConflictElement,
  TacoSyncEventMap,
  TacoSyncHistoryElement,
  TacoSyncStatusElement,
} from '../elements/index.js';
import type { SyncManager } from '../core/sync-manager.js';

/** React 19 listens to a custom element's event through a prop named `on` + the event's exact name. */
type EventProps<Name extends keyof TacoSyncEventMap> = {
  [Event in Name as `on${Event}`]?: (event: TacoSyncEventMap[Event]) => void;
};

/** What every tag takes: the HTML props, a `ref` to the element, and the `manager` property. */
type TagProps<Element extends HTMLElement> = DetailedHTMLProps<HTMLAttributes<Element>, Element> & {
  manager?: SyncManager | null;
  /** Without `manager`, the element takes the page's manager of this app (server-rendered HTML). */
  app?: string;
};

// React 19 sets a prop as a property when the element has one (`manager`, `compact`), so the tags
// must be registered before React creates them. React 18 sets attributes only: use a `ref` there.
declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'taco-sync-status': TagProps<TacoSyncStatusElement> & { compact?: boolean } & EventProps<
          'taco-sync-error' | 'taco-sync-reload'
        >;
      'taco-sync-conflict': TagProps<TacoSyncConflictElement> &
        EventProps<'taco-sync-error' | 'taco-sync-resolved' | 'taco-sync-dismissed'>;
      'taco-sync-history': TagProps<TacoSyncHistoryElement> & EventProps<'taco-sync-error' | 'taco-sync-restored'>;
    }
  }
}
