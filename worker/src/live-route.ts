import {
  canUseSync,
  LIVE_SUBPROTOCOL,
  LIVE_TOKEN_PROTOCOL_PREFIX,
  type LiveHeadMessage,
} from '../../sdk/contract/index.js';
import { bearerToken, type Caller, type TokenVerifier } from './auth.js';
import { servesApp, type WorkerConfig, type WorkerEnv } from './config.js';
import { allowsOrigin } from './cors.js';
import { HttpError } from './http-error.js';
import { LIVE_APP_HEADER, LIVE_EXPIRES_HEADER } from './live-room.js';
import { enforceRateLimits, type RateLimiters } from './rate-limit.js';

/** What the live route needs besides the request. */
export interface LiveServices {
  env: WorkerEnv;
  config: WorkerConfig;
  verifyToken: TokenVerifier;
  now: () => Date;
  limiters: RateLimiters;
}

/**
 * The token of a live request: `Authorization: Bearer` when sent (any client but a browser), else
 * the `bearer.<JWT>` entry of `Sec-WebSocket-Protocol` beside {@link LIVE_SUBPROTOCOL} (browsers
 * cannot set headers on a WebSocket; docs/protocol.md says why not a ticket or the URL).
 *
 * @throws HttpError UNAUTHORIZED when neither carries a token.
 */
export function liveToken(request: Request): string {
  if (request.headers.has('Authorization')) return bearerToken(request);
  const entries = (request.headers.get('Sec-WebSocket-Protocol') ?? '').split(',').map((entry) => entry.trim());
  const token = entries
    .find((entry) => entry.startsWith(LIVE_TOKEN_PROTOCOL_PREFIX))
    ?.slice(LIVE_TOKEN_PROTOCOL_PREFIX.length);
  if (!token || !entries.includes(LIVE_SUBPROTOCOL)) throw new HttpError('UNAUTHORIZED', 'Missing bearer token');
  return token;
}

/**
 * `GET /api/sync/{app}/live` (DESIGN §9). The same checks as every route, in the same order: token
 * (401), app (404), subscription (403); then a page of an origin the API does not answer is
 * refused (403: WebSockets have no CORS), the binding must exist (501 `LIVE_DISABLED`) and the
 * request must be an upgrade (426 `UPGRADE_REQUIRED`, which is also how a browser whose socket did
 * not open learns that it would open now). All of it runs before the upgrade is accepted.
 */
export async function liveRoute(
  request: Request & { params: { app?: string } },
  { env, config, verifyToken, now, limiters }: LiveServices,
): Promise<Response> {
  const caller = await verifyToken(liveToken(request), now());
  await enforceRateLimits(limiters, request.method, caller.userId);
  const app = request.params.app;
  if (!servesApp(config, app)) throw new HttpError('NOT_FOUND', 'Unknown app');
  const access = canUseSync(app, caller.subscriptions);
  if (!access.allowed) throw new HttpError('FORBIDDEN', access.reason ?? 'Sync is not allowed for this app');
  const origin = request.headers.get('Origin');
  if (origin !== null && !allowsOrigin(config, origin))
    throw new HttpError('FORBIDDEN', 'This origin may not use the live route');
  if (!env.LIVE)
    throw new HttpError(
      'LIVE_DISABLED',
      'Live updates are not enabled on this server (no LIVE Durable Object binding); clients check on their own',
    );
  if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket')
    throw new HttpError('UPGRADE_REQUIRED', 'The live route needs a WebSocket upgrade');
  return env.LIVE.getByName(caller.userId).fetch(roomRequest(request, app, caller));
}

function roomRequest(request: Request, app: string, caller: Caller): Request {
  const headers = new Headers(request.headers);
  headers.delete('Authorization');
  headers.set(LIVE_APP_HEADER, app);
  headers.set(LIVE_EXPIRES_HEADER, String(caller.expiresAtMs));
  return new Request(request.url, { headers });
}

/**
 * Tells `userId`'s live room the new head of `app` after a commit, in the background
 * (`waitUntil`): the commit's answer never waits for it, and a failure is only logged (pages check
 * on their own). Does nothing without the binding.
 */
export function announceHead(
  env: WorkerEnv,
  waitUntil: (promise: Promise<unknown>) => void,
  userId: string,
  app: string,
  head: Omit<LiveHeadMessage, 'type'>,
): void {
  if (!env.LIVE) return;
  const told = env.LIVE.getByName(userId)
    .announce(app, head)
    .catch((error: unknown) => console.error('Could not announce a new head', error));
  waitUntil(told);
}
