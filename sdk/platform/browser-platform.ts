/** A platform happening the sync manager reacts to. */
export type PlatformEvent = 'hidden' | 'pagehide' | 'blur' | 'focus' | 'online' | 'offline';

/** The port for the page's lifecycle and connectivity. */
export interface Platform {
  /** Whether the browser believes it is online (`navigator.onLine`). */
  isOnline(): boolean;
  /** Calls `listener` on each {@link PlatformEvent}; returns the function that stops listening. */
  listen(listener: (event: PlatformEvent) => void): () => void;
}

/**
 * The browser's {@link Platform}: `visibilitychange` to hidden, `pagehide`, window `blur` and
 * `focus`, `online` and `offline`. Outside a browser it reports online and never fires.
 */
export function browserPlatform(): Platform {
  return {
    isOnline: () => typeof navigator === 'undefined' || navigator.onLine !== false,
    listen(listener) {
      if (typeof window === 'undefined') return () => {};
      const onVisibility = (): void => {
        if (document.visibilityState === 'hidden') listener('hidden');
      };
      const forward = (event: Event): void => listener(event.type as PlatformEvent);
      const windowEvents = ['pagehide', 'blur', 'focus', 'online', 'offline'] as const;
      for (const type of windowEvents) window.addEventListener(type, forward);
      document.addEventListener('visibilitychange', onVisibility);
      return () => {
        for (const type of windowEvents) window.removeEventListener(type, forward);
        document.removeEventListener('visibilitychange', onVisibility);
      };
    },
  };
}
