const base64url = (text: string): string =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/**
 * An unsigned JWT-shaped token carrying a `subscriptions` claim: enough for the SDK, which only
 * decodes claims (the real server verifies signatures; the fake one does not).
 */
export function fakeToken(subscriptions: string[], sub = 'user-1'): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ sub, subscriptions, exp: 4102444800 }));
  return `${header}.${payload}.c2lnbmF0dXJl`;
}
