import { SIM_JWT_SECRET } from './accounts.js';
import { SIM_APP } from './app-model.js';

/**
 * `cloudflare:workers` as the Worker sees it when the simulation runs it in Node: the start-up
 * environment it checks its configuration against (the bundler and vitest alias the module here).
 */
export const env = { SYNC_APPS: SIM_APP, JWT_SECRET: SIM_JWT_SECRET, ALLOWED_ORIGINS: '' };

/** The base class the Worker's LiveRoom extends; the simulation runs without the LIVE binding, so none is ever made. */
export class DurableObject {
  constructor(
    readonly ctx: unknown,
    readonly env: unknown,
  ) {}
}
