// Compiled, never run, by sdk/elements/jsx-types.test.ts: the tags as a React 19 app writes them.
// Each @ts-expect-error is a mistake the declarations must catch.
import type { SyncManager } from '../core/sync-manager.js';
import { useSync } from './index.js';

export function SyncHeader({ manager }: { manager: SyncManager }) {
  const { isEnabled } = useSync(manager);
  return (
    <header className="app-header">
      <taco-sync-status manager={manager} compact={!isEnabled} id="sync" />
      <taco-sync-status app="tenure" />
      <taco-sync-status
        ref={(el) => {
          if (el) el.manager = manager;
        }}
        ontaco-sync-error={(event) => console.warn(event.detail.action, event.detail.error)}
      />
      <taco-sync-conflict
        manager={manager}
        ontaco-sync-resolved={(event) => console.info(event.detail.choice satisfies 'keep-local' | 'use-server')}
        ontaco-sync-dismissed={(event) => event.detail satisfies null}
        ref={(el) => el?.show()}
      />
      <taco-sync-history
        manager={manager}
        ontaco-sync-restored={(event) =>
          console.info(event.detail.kind === 'version' ? event.detail.version : event.detail.id)
        }
        ref={(el) => void el?.reload()}
      />
      <taco-sync-status ontaco-sync-reload={(event) => event.detail.reason satisfies 'newer-data' | 'replaced'} />
      {/* @ts-expect-error the detail of taco-sync-restored has no choice */}
      <taco-sync-history ontaco-sync-restored={(event) => event.detail.choice} />
      {/* @ts-expect-error manager is a SyncManager, not a string */}
      <taco-sync-status manager="sync" />
      {/* @ts-expect-error the detail of taco-sync-resolved has no action */}
      <taco-sync-conflict ontaco-sync-resolved={(event) => event.detail.action} />
      {/* @ts-expect-error compact is a boolean */}
      <taco-sync-status compact="yes" />
      <taco-sync-conflict
        ref={(el) => {
          // @ts-expect-error the dialog's `open` is read-only
          if (el) el.open = true;
        }}
      />
    </header>
  );
}
