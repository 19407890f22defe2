import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildExamples, freePortPair, startDevServer } from '../../scripts/dev-server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

/** Builds the example pages and starts a fresh `wrangler dev` with its own R2 directory. */
export default async function setup(project: TestProject): Promise<() => void> {
  await buildExamples();
  const persistTo = mkdtempSync(join(tmpdir(), 'taco-sync-e2e-'));
  const server = await startOnFreePorts(persistTo);
  project.provide('baseUrl', server.url);
  return () => {
    server.stop();
    rmSync(persistTo, { recursive: true, force: true });
  };
}

/**
 * Starts `wrangler dev` on a free pair of ports. Between finding the ports free and wrangler
 * binding them, another process on a shared machine may take one: then it tries new ports.
 */
async function startOnFreePorts(persistTo: string, tries = 3): ReturnType<typeof startDevServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePortPair();
    try {
      return await startDevServer({ port, persistTo, vars: { ALLOWED_ORIGINS: `http://127.0.0.1:${port},http://localhost:${port}`, SYNC_APPS: 'tenure,tempo,todos' } });
    } catch (error) {
      const taken = /EADDRINUSE|Address already in use/.test(String(error));
      if (!taken || attempt >= tries) throw error;
    }
  }
}
