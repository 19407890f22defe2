import type { PlatformEvent, Platform } from '../core/ports.js';

/**
 * The browser's {@link Platform}: `visibilitychange` (to `hidden` or `visible`), `pagehide`, window `blur` and
 * `focus`, `online` and `offline`. Outside a browser it reports online and never fires.
 */
export function browserPlatform(): Platform {
  return {
    isOnline: () => typeof navigator === 'undefined' || navigator.onLine !== false,
    reload: () => location.reload(),
    listen(listener) {
      if (typeof window === 'undefined') return () => {};
      const onVisibility = (): void => listener(document.visibilityState === 'hidden' ? 'hidden' : 'visible');
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

export type { PlatformEvent, Platform };
