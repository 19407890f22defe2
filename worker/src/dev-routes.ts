import type { IRequest, RouterType } from 'itty-router';
import { API_PREFIX, ERROR_STATUS, isValidUserId, type ErrorCode } from '../../sdk/contract/index.js';
import type { WorkerConfig } from './config.js';
import { signDevToken } from './dev-token.js';
import { HttpError, RETRY_AFTER_SECONDS } from './http-error.js';

/** Injected failures still to answer (`POST /__dev/fail-next`). */
export interface FaultPlan {
  code: ErrorCode | null;
  remaining: number;
}

/** Longest dev token lifetime a page may ask for: 30 days. */
const MAX_DEV_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

const codeForStatus = (status: number): ErrorCode | undefined =>
  (Object.keys(ERROR_STATUS) as ErrorCode[]).find((code) => ERROR_STATUS[code] === status);

/**
 * Adds the dev-only routes. Call it only when `DEV_MODE === 'true'`, so production has none:
 * - `GET /__dev/token?sub=alice&subscriptions=taco_club[,sync_tempo][&ttl=3600]` -> `{ token }`
 * - `POST /__dev/fail-next?status=500&count=1` -> the next `count` `/api/sync/*` requests answer
 *   `status` as a JSON error (to prove client retry end to end).
 */
export function addDevRoutes<R extends IRequest, A extends unknown[]>(
  router: RouterType<R, A>,
  config: WorkerConfig,
  faults: FaultPlan,
): void {
  router
    .all(`${API_PREFIX}/*`, () => answerInjectedFault(faults))
    .get('/__dev/token', (request) => devToken(request, config))
    .post('/__dev/fail-next', (request) => planFaults(request, faults));
}

async function devToken(request: IRequest, config: WorkerConfig): Promise<Response> {
  const sub = request.query.sub;
  if (!isValidUserId(sub)) throw new HttpError('BAD_REQUEST', '`sub` must be a valid user id');
  const subscriptions = String(request.query.subscriptions ?? '')
    .split(',')
    .filter((s) => s !== '');
  const ttl = request.query.ttl === undefined ? undefined : Number(request.query.ttl);
  if (ttl !== undefined && !(Number.isSafeInteger(ttl) && ttl > 0 && ttl <= MAX_DEV_TOKEN_TTL_SECONDS)) {
    throw new HttpError('BAD_REQUEST', '`ttl` must be a whole number of seconds, at most 30 days');
  }
  if (config.keys.kind !== 'secret') throw new HttpError('INTERNAL', 'Dev tokens need JWT_SECRET');
  return Response.json({ token: await signDevToken(config.keys.secret, { sub, subscriptions }, ttl) });
}

function planFaults(request: IRequest, faults: FaultPlan): Response {
  const code = codeForStatus(Number(request.query.status ?? 500));
  const count = Number(request.query.count ?? 1);
  if (!code || !Number.isSafeInteger(count) || count < 0) {
    throw new HttpError('BAD_REQUEST', '`status` must be an error status of the API and `count` a whole number');
  }
  faults.code = code;
  faults.remaining = count;
  return Response.json({ success: true, status: ERROR_STATUS[code], count });
}

function answerInjectedFault(faults: FaultPlan): undefined {
  if (faults.code === null || faults.remaining <= 0) return undefined;
  faults.remaining -= 1;
  const retryable = faults.code === 'UNAVAILABLE' || faults.code === 'RATE_LIMITED';
  throw new HttpError(
    faults.code,
    `Injected failure (${faults.remaining} left)`,
    {},
    retryable ? { 'Retry-After': String(RETRY_AFTER_SECONDS) } : {},
  );
}
