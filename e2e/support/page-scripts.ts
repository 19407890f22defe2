/**
 * Functions that run inside the page (sent as source text by the engine drivers): each is
 * self-contained and uses only its JSON argument and the page's globals.
 */

/** An element by its ARIA role and accessible name, optionally inside the first element of role `within`. */
export interface RoleQuery {
  role: 'button' | 'link' | 'dialog' | 'status' | 'group' | 'checkbox';
  name?: string;
  within?: RoleQuery['role'];
}

/**
 * The first rendered element with `role` (an explicit `role` attribute or the element's implicit
 * one) and accessible name `name` (`aria-label`, else its text with runs of white space collapsed),
 * searched through open shadow roots as a screen reader sees the page; null when there is none.
 * With `exists: true` it answers whether there is one (drivers do not all return elements from a
 * script that only asks).
 */
export function findByRole(query: RoleQuery): Element | null;
export function findByRole(query: RoleQuery & { exists: true }): boolean;
export function findByRole(query: RoleQuery & { exists?: boolean }): Element | boolean | null {
  const implicit: Record<string, string> = {
    button: 'button',
    link: 'a[href]',
    dialog: 'dialog',
    status: 'output',
    group: 'fieldset',
    checkbox: 'input[type=checkbox]',
  };
  const everything = (root: Document | ShadowRoot | Element): Element[] =>
    [...root.querySelectorAll('*')].flatMap((element) =>
      element.shadowRoot ? [element, ...everything(element.shadowRoot)] : [element],
    );
  const hasRole = (element: Element, role: string): boolean =>
    element.getAttribute('role') === role || (!element.hasAttribute('role') && element.matches(implicit[role] ?? role));
  const rendered = (element: Element): boolean =>
    element instanceof HTMLDialogElement ? element.open : element.checkVisibility({ visibilityProperty: true });
  const nameOf = (element: Element): string =>
    (element.getAttribute('aria-label') ?? element.textContent ?? '').replace(/\s+/g, ' ').trim();
  let scope: Element[] = everything(document);
  if (query.within) {
    const container = scope.find((element) => hasRole(element, query.within as string) && rendered(element));
    scope = container ? everything(container) : [];
  }
  const found =
    scope.find(
      (element) =>
        hasRole(element, query.role) &&
        rendered(element) &&
        (query.name === undefined || nameOf(element) === query.name),
    ) ?? null;
  return query.exists ? found !== null : found;
}

/**
 * What a tab switch does to a page, for engines whose driver cannot switch tabs for real:
 * `document.visibilityState` and `hidden` change and `visibilitychange` fires.
 */
export function emulateVisibility(hidden: boolean): void {
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => (hidden ? 'hidden' : 'visible'),
  });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event('visibilitychange'));
}

/**
 * What a dropped network does to a page, for engines with no offline switch: `navigator.onLine`
 * changes and `offline` or `online` fires on the window (the relay makes the requests fail).
 */
export function emulateConnectivity(online: boolean): void {
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => online });
  window.dispatchEvent(new Event(online ? 'online' : 'offline'));
}

/** Runs `source` as a classic script of the page (a bundled library, for instance). */
export function addScript(source: string): void {
  const script = document.createElement('script');
  script.textContent = source;
  document.head.append(script);
  script.remove();
}
