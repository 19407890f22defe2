// `cloudflare:workers` for the Worker as bench/memory-child.mjs runs it in Node: the start-up
// environment it checks its configuration against (production settings, no dev mode).

/** The app the memory measurement pushes to. */
export const BENCH_APP = 'tenure';
/** An HS256 secret of 32+ bytes that is not the dev secret, so the production checks pass. */
export const BENCH_SECRET = 'bench-memory-secret-0123456789abcdef';

export const env = { SYNC_APPS: BENCH_APP, JWT_SECRET: BENCH_SECRET, ALLOWED_ORIGINS: '' };

/** The base class the Worker's live room extends: the measurement never builds a room (no LIVE binding). */
export class DurableObject {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }
}
