import type { TabChannel } from '../core/ports.js';

/** Tab channels of one device: a post reaches every other open channel, never the sender. */
export function memoryTabChannels(): () => TabChannel {
  const open = new Set<Set<() => void>>();
  return () => {
    const mine = new Set<() => void>();
    open.add(mine);
    return {
      post: () => {
        for (const listeners of open)
          if (listeners !== mine) for (const listener of listeners) queueMicrotask(listener);
      },
      listen: (listener) => {
        mine.add(listener);
        return () => void mine.delete(listener);
      },
      close: () => void open.delete(mine),
    };
  };
}
