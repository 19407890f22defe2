/**
 * The few browser globals the SDK's localStorage adapter touches outside its ports: it announces
 * the keys it wrote with `window.dispatchEvent(new StorageEvent('storage', ...))`. Node has
 * `EventTarget` and `Event`; this adds `window`, `StorageEvent` and `location` when they are absent.
 */
export function installBrowserGlobals(): void {
  const global = globalThis as Record<string, unknown>;
  if (!('StorageEvent' in global)) {
    global.StorageEvent = class StorageEvent extends Event {
      readonly key: string | null;
      readonly oldValue: string | null;
      readonly newValue: string | null;
      readonly url: string;
      readonly storageArea: unknown;
      constructor(
        type: string,
        init: {
          key?: string | null;
          oldValue?: string | null;
          newValue?: string | null;
          url?: string;
          storageArea?: unknown;
        } = {},
      ) {
        super(type);
        this.key = init.key ?? null;
        this.oldValue = init.oldValue ?? null;
        this.newValue = init.newValue ?? null;
        this.url = init.url ?? '';
        this.storageArea = init.storageArea ?? null;
      }
    };
  }
  if (!('window' in global)) global.window = new EventTarget();
  if (!('location' in global)) global.location = { href: 'https://app.sim/' };
}
