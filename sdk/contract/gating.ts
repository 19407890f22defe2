/** Subscriptions that allow every app. */
export const ALL_APPS_SUBSCRIPTIONS: readonly string[] = ['sync_all', 'taco_club'];

/** The subscription that allows one app: `sync_<app>`. */
export function appSubscription(app: string): string {
  return `sync_${app}`;
}

/** Whether sync is allowed, and if not, why (for a person to read). */
export interface SyncAccess {
  /** True when a subscription allows the app. */
  allowed: boolean;
  /** When not allowed: which subscriptions would allow it, for a person to read. */
  reason?: string;
}

/**
 * Decides whether a user's subscriptions allow syncing `app`: `sync_<app>` allows that app,
 * `sync_all` and `taco_club` allow every app. The Worker and the SDK both gate with this.
 *
 * @example
 * canUseSync('tenure', ['sync_tenure']) // { allowed: true }
 * canUseSync('tempo', ['sync_tenure'])  // { allowed: false, reason: '...' }
 */
export function canUseSync(app: string, subscriptions: readonly unknown[] | null | undefined): SyncAccess {
  const subs = Array.isArray(subscriptions) ? subscriptions.filter((s): s is string => typeof s === 'string') : [];
  if (subs.includes(appSubscription(app)) || subs.some((s) => ALL_APPS_SUBSCRIPTIONS.includes(s))) {
    return { allowed: true };
  }
  return {
    allowed: false,
    reason: `No subscription allows sync for "${app}" (needs ${appSubscription(app)}, sync_all or taco_club).`,
  };
}
