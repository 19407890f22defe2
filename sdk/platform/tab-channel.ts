import type { TabChannel } from '../core/ports.js';

const RECORD_CHANGED = 'record-changed';

/**
 * The browser's {@link TabChannel}: a `BroadcastChannel` named `name`. Where BroadcastChannel is
 * missing it is silent (each tab then learns of the others' syncs on its next sync).
 */
export function broadcastTabChannel(name: string): TabChannel {
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(name);
  return {
    post: () => channel?.postMessage(RECORD_CHANGED),
    listen(listener) {
      const onMessage = (event: MessageEvent<unknown>): void => {
        if (event.data === RECORD_CHANGED) listener();
      };
      channel?.addEventListener('message', onMessage);
      return () => channel?.removeEventListener('message', onMessage);
    },
    close: () => channel?.close(),
  };
}

export type { TabChannel };
