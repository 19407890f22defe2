import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'sdk',
          include: ['sdk/**/*.test.ts'],
          environment: 'happy-dom',
          setupFiles: ['fake-indexeddb/auto'],
        },
      },
      {
        plugins: [cloudflareTest({ wrangler: { configPath: './worker/wrangler.toml' } })],
        test: { name: 'worker', include: ['worker/**/*.test.ts'] },
      },
    ],
  },
});
