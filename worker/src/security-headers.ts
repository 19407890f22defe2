/**
 * Headers on every answer, since any of them can carry personal data (a user's snapshot, their
 * device names, a token from `/__dev/token`): no cache may keep it (a shared proxy, the browser's
 * back-forward cache, a disk cache on a shared computer), and no browser may sniff JSON into
 * something it renders (DESIGN §11).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

/** Returns `response` with {@link SECURITY_HEADERS} set (a copy, so any response works). */
export function withSecurityHeaders(response: Response): Response {
  const copy = new Response(response.body, response);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) copy.headers.set(name, value);
  return copy;
}
