// Compiled, never run, by sdk/elements/jsx-types.test.ts: the tags as a Solid app writes them.
// Each @ts-expect-error is a mistake the declarations must catch.
import type { SyncManager } from '../core/sync-manager.js';
import { useSync } from './index.js';

export function SyncHeader(props: { manager: SyncManager }) {
  const { isEnabled } = useSync(props.manager);
  return (
    <header class="app-header" on:taco-sync-error={(event) => console.warn(event.detail.action)}>
      <taco-sync-status prop:manager={props.manager} compact={!isEnabled()} id="sync" />
      <taco-sync-status app="tenure" />
      <taco-sync-status
        ref={(el) => {
          el.manager = props.manager;
        }}
      />
      <taco-sync-conflict
        prop:manager={props.manager}
        on:taco-sync-resolved={(event) => console.info(event.detail.choice satisfies 'keep-local' | 'use-server')}
        on:taco-sync-dismissed={(event) => event.detail satisfies null}
        ref={(el) => el.show()}
      />
      <taco-sync-history
        prop:manager={props.manager}
        on:taco-sync-restored={(event) =>
          console.info(event.detail.kind === 'version' ? event.detail.version : event.detail.id)
        }
        ref={(el) => void el.reload()}
      />
      <taco-sync-status on:taco-sync-reload={(event) => event.preventDefault()} />
      {/* @ts-expect-error manager is a SyncManager, not a number */}
      <taco-sync-history prop:manager={42} />
      {/* @ts-expect-error manager is a SyncManager, not a number */}
      <taco-sync-status prop:manager={42} />
      {/* @ts-expect-error the detail of taco-sync-resolved has no action */}
      <taco-sync-conflict on:taco-sync-resolved={(event) => event.detail.action} />
      {/* @ts-expect-error compact is a boolean */}
      <taco-sync-status compact="yes" />
    </header>
  );
}
