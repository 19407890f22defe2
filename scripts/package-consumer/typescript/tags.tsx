// React tags in an ES module .tsx of the mixed program.
import type { SyncManager } from 'taco-sync';
import 'taco-sync/react';

export function Header({ manager }: { manager: SyncManager }) {
  return (
    <header>
      <taco-sync-status
        manager={manager}
        compact
        ref={(el) => {
          if (el) el.manager = manager;
        }}
      />
      <taco-sync-conflict manager={manager} ontaco-sync-resolved={(event) => console.info(event.detail.choice)} />
      {/* @ts-expect-error manager is a SyncManager, not a string */}
      <taco-sync-history manager="sync" />
    </header>
  );
}
