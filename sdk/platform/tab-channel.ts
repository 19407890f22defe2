import type { TabChannel } from '../core/ports.js';

const RECORD_CHANGED = 'record-changed';

/** Node's BroadcastChannel can stop holding the process open; browsers have no such method. */
type Unrefable = BroadcastChannel & { unref?: () => void };

/**
 * The browser's {@link TabChannel}: a `BroadcastChannel` named `name`. Where BroadcastChannel is
 * missing it is silent (each tab then learns of the others' syncs on its next sync).
 *
 * The channel is open only while someone listens (a started manager): `stop()` closes it, so a
 * manager made per server render or in a Node script leaves no handle behind and the process can
 * exit. A post while nobody listens (as `forget()` does after stopping) uses a channel of its own
 * that closes right after: the message is already on its way to the other tabs when it closes.
 */
export function broadcastTabChannel(name: string): TabChannel {
  const listeners = new Set<() => void>();
  let channel: BroadcastChannel | null = null;
  const onMessage = (event: MessageEvent<unknown>): void => {
    if (event.data === RECORD_CHANGED) for (const listener of [...listeners]) listener();
  };
  const open = (): BroadcastChannel | null => {
    if (typeof BroadcastChannel === 'undefined') return null;
    const opened: Unrefable = new BroadcastChannel(name);
    // In Node, a manager that was started and never stopped must not keep the process alive.
    opened.unref?.();
    return opened;
  };
  const closeChannel = (): void => {
    channel?.removeEventListener('message', onMessage);
    channel?.close();
    channel = null;
  };
  return {
    post() {
      if (channel) return channel.postMessage(RECORD_CHANGED);
      const once = open();
      once?.postMessage(RECORD_CHANGED);
      once?.close();
    },
    listen(listener) {
      // A fresh function per call, so the same listener given twice is two subscriptions.
      const subscription = (): void => listener();
      listeners.add(subscription);
      if (!channel) {
        channel = open();
        channel?.addEventListener('message', onMessage);
      }
      return () => {
        listeners.delete(subscription);
        if (listeners.size === 0) closeChannel();
      };
    },
    close() {
      listeners.clear();
      closeChannel();
    },
  };
}

export type { TabChannel };
