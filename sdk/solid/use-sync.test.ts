import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { FakeSyncManager } from '../elements/fake-sync-manager.js';
import { useSync } from './use-sync.js';

describe('useSync', () => {
  it('reports isEnabled false only while the manager is disabled', () => {
    const manager = new FakeSyncManager({ status: 'disabled', disabledReason: 'No subscription' });
    createRoot((dispose) => {
      const { isEnabled } = useSync(manager);
      expect(isEnabled()).toBe(false);
      manager.setState({ status: 'synced' });
      expect(isEnabled()).toBe(true);
      dispose();
    });
  });

  it('calls the manager for syncNow and resolveConflict', async () => {
    const manager = new FakeSyncManager({ status: 'conflict' });
    await createRoot(async (dispose) => {
      const sync = useSync(manager);
      await sync.syncNow();
      await sync.resolveConflict('use-server');
      dispose();
    });
    expect(manager.calls).toEqual([{ method: 'syncNow' }, { method: 'resolveConflict', choice: 'use-server' }]);
  });

  it('passes on a rejected action', async () => {
    const manager = new FakeSyncManager({ status: 'pending' });
    manager.holdCalls();
    const sync = createRoot(() => useSync(manager));
    const call = sync.syncNow();
    manager.fail(new Error('Network is down'));
    await expect(call).rejects.toThrow('Network is down');
  });
});
