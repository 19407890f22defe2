/** App names: lowercase, start with a letter or digit, at most 32 characters. */
export const APP_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** User ids (the JWT `sub`): safe as one R2 key segment, never containing `/`. */
export const USER_ID_PATTERN = /^[A-Za-z0-9._@|:+=-]{1,128}$/;

/** Device ids as sent in a push. A UUID fits, and so do nanoids (earlier releases made those). */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** True when `app` is a well-formed app name (whether it is configured is the server's call). */
export function isValidAppName(app: unknown): app is string {
  return typeof app === 'string' && APP_NAME_PATTERN.test(app);
}

/** True when `sub` may be used as a user id and hence as an R2 key segment. */
export function isValidUserId(sub: unknown): sub is string {
  return typeof sub === 'string' && USER_ID_PATTERN.test(sub) && sub !== '.' && sub !== '..';
}

/** True when `id` is a well-formed device id. */
export function isValidDeviceId(id: unknown): id is string {
  return typeof id === 'string' && DEVICE_ID_PATTERN.test(id);
}

/** Apps served when `SYNC_APPS` is not configured. */
export const DEFAULT_SYNC_APPS: readonly string[] = ['tenure', 'tempo'];
