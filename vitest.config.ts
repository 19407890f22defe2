import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        // Node's export conditions pick solid-js's server build, which has no reactivity; the UI
        // bindings' tests need the browser build. Only `solid-js` itself is redirected.
        resolve: { alias: [{ find: /^solid-js$/, replacement: 'solid-js/dist/solid.js' }] },
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
