import type { WorkerConfig } from './config.js';
import { isLoopbackOrigin } from './origins.js';

/** The part of the configuration CORS needs. */
export type CorsConfig = Pick<WorkerConfig, 'allowedOrigins' | 'devMode'>;

/** Methods the API answers, as announced to preflights. */
export const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';
/** Request headers a browser may send. */
export const ALLOWED_HEADERS = 'Authorization, Content-Type, Content-Encoding';
/** How long a browser may cache a preflight answer. */
export const PREFLIGHT_MAX_AGE_SECONDS = 86400;

/**
 * Whether pages of `origin` (a request's `Origin` header) may read the answers: it is in
 * `ALLOWED_ORIGINS`, or dev mode is on and the page is served from this machine (any port).
 */
export function allowsOrigin(config: CorsConfig, origin: string): boolean {
  return config.allowedOrigins.includes(origin) || (config.devMode && isLoopbackOrigin(origin));
}

/**
 * CORS headers for a request: the origin is echoed only when {@link allowsOrigin} allows it;
 * `Vary: Origin` always, since the answer depends on it; `Retry-After` exposed for the SDK's backoff.
 */
export function corsHeaders(request: Request, config: CorsConfig): Record<string, string> {
  const origin = request.headers.get('Origin');
  const headers: Record<string, string> = { Vary: 'Origin', 'Access-Control-Expose-Headers': 'Retry-After' };
  if (origin !== null && allowsOrigin(config, origin)) headers['Access-Control-Allow-Origin'] = origin;
  return headers;
}

/** Answers a CORS preflight (`OPTIONS`): 204 with the allowed methods and headers. */
export function preflightResponse(request: Request, config: CorsConfig): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...corsHeaders(request, config),
      'Access-Control-Allow-Methods': ALLOWED_METHODS,
      'Access-Control-Allow-Headers': ALLOWED_HEADERS,
      'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_SECONDS),
    },
  });
}

/** Returns `response` with the CORS headers of `request` added (a copy, so any response works). */
export function withCors(response: Response, request: Request, config: CorsConfig): Response {
  // An accepted WebSocket upgrade cannot be copied, and WebSockets have no CORS (the live route checks the Origin).
  if (response.status === 101) return response;
  const copy = new Response(response.body, response);
  for (const [name, value] of Object.entries(corsHeaders(request, config))) copy.headers.set(name, value);
  return copy;
}
