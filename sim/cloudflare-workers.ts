import { SIM_JWT_SECRET } from './accounts.js';
import { SIM_APP } from './app-model.js';

/**
 * `cloudflare:workers` as the Worker sees it when the simulation runs it in Node: the start-up
 * environment it checks its configuration against (the bundler and vitest alias the module here).
 */
export const env = { SYNC_APPS: SIM_APP, JWT_SECRET: SIM_JWT_SECRET, ALLOWED_ORIGINS: '' };

/**
 * The base class of Durable Objects: the simulation does not run the live room (its pages hear
 * announcements through the simulation's own model), but the Worker's module graph imports it.
 */
export class DurableObject<Env = unknown> {
  constructor(
    protected readonly ctx: unknown,
    protected readonly env: Env,
  ) {}
}
