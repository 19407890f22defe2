// React tags in a CommonJS .tsx of the mixed program (this folder's package.json says commonjs).
import type { SyncManager } from 'taco-sync';
import type { TacoSyncHistoryElement } from 'taco-sync/elements';
import 'taco-sync/react';

export function Footer({ manager }: { manager: SyncManager }) {
  const keep = (el: TacoSyncHistoryElement | null) => void el?.reload();
  return (
    <footer>
      <taco-sync-history
        manager={manager}
        ref={keep}
        ontaco-sync-restored={(event) => console.info(event.detail.kind)}
      />
      {/* @ts-expect-error compact is a boolean */}
      <taco-sync-status compact="yes" />
    </footer>
  );
}
