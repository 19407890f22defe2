import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildExamples, startDevServerOnFreePorts } from '../../scripts/dev-server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

/** Builds the example pages and starts a fresh `wrangler dev` with its own R2 directory. */
export default async function setup(project: TestProject): Promise<() => void> {
  await buildExamples();
  const persistTo = mkdtempSync(join(tmpdir(), 'taco-sync-e2e-'));
  const server = await startDevServerOnFreePorts({
    persistTo,
    vars: (port) => ({
      ALLOWED_ORIGINS: `http://127.0.0.1:${port},http://localhost:${port}`,
      SYNC_APPS: 'tenure,tempo,todos',
    }),
  });
  project.provide('baseUrl', server.url);
  return () => {
    server.stop();
    rmSync(persistTo, { recursive: true, force: true });
  };
}
