/** Host names of this machine, whose pages dev mode lets call the API from any port. */
const LOOPBACK_HOSTNAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The origin an `ALLOWED_ORIGINS` entry names, in the form browsers send in `Origin`
 * (`scheme://host[:port]`, lowercase host, default port dropped), or null when the entry is not an
 * origin. A trailing `/`, as copied from the address bar, is accepted; a path, query, fragment,
 * user name or a scheme other than http(s) is not (a browser never sends those, so such an entry
 * would match nothing).
 *
 * @example
 * parseOrigin('https://App.example.com/')  // 'https://app.example.com'
 * parseOrigin('http://localhost:5173')     // 'http://localhost:5173'
 * parseOrigin('app.example.com')           // null
 * parseOrigin('https://example.com/app')   // null
 */
export function parseOrigin(entry: string): string | null {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '')
    return null;
  if (/[?#]/.test(entry)) return null;
  return url.origin;
}

/** Whether `origin` is a page served from this machine (`http(s)://localhost|127.0.0.1|[::1]`, any port). */
export function isLoopbackOrigin(origin: string): boolean {
  const parsed = parseOrigin(origin);
  return parsed === origin && LOOPBACK_HOSTNAMES.has(new URL(origin).hostname);
}

/**
 * Whether a `Host` header names this machine (`localhost`, `127.0.0.1` or `[::1]`, any port). Dev
 * mode answers only those, so a page whose own name a DNS-rebinding attack points at 127.0.0.1
 * cannot use the dev Worker (its requests carry that name as `Host`).
 */
export function isLoopbackHost(host: string): boolean {
  try {
    return LOOPBACK_HOSTNAMES.has(new URL(`http://${host}`).hostname) && !/[/?#@]/.test(host);
  } catch {
    return false;
  }
}
