import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

const PRODUCTION_CONFIG_TESTS = 'worker/test/production-config.test.ts';

// Every Worker test drives the real workerd and its local R2. On two cores shared with browsers and
// other test runs, the 20-round race tests took 6 s (vitest's default limit is 5 s); an idle machine
// runs them in under 1 s.
const WORKERD_LIMITS = { testTimeout: 60_000, hookTimeout: 60_000 };

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
        // docs/recipes.md: the state libraries' persist layers wired to a real manager (fake server).
        resolve: { alias: { 'taco-sync': new URL('./sdk/index.ts', import.meta.url).pathname } },
        test: {
          name: 'recipes',
          include: ['recipes/**/*.test.ts'],
          environment: 'happy-dom',
          setupFiles: ['fake-indexeddb/auto'],
        },
      },
      {
        // The simulation runs the Worker in Node: its start-up environment comes from the sim.
        resolve: { alias: { 'cloudflare:workers': new URL('./sim/cloudflare-workers.ts', import.meta.url).pathname } },
        test: { name: 'sim', include: ['sim/**/*.test.ts'], environment: 'node' },
      },
      {
        // The project's own tooling: which Node runs it, the packed package in consumers.
        test: { name: 'scripts', include: ['scripts/**/*.test.ts'], environment: 'node' },
      },
      {
        // Dev mode (`[env.dev]`): the dev secret signs the tests' tokens, /__dev/* routes exist.
        plugins: [cloudflareTest({ wrangler: { configPath: './worker/wrangler.toml', environment: 'dev' } })],
        test: {
          name: 'worker',
          include: ['worker/**/*.test.ts'],
          exclude: [PRODUCTION_CONFIG_TESTS],
          ...WORKERD_LIMITS,
        },
      },
      {
        // The top level of wrangler.toml, exactly as `wrangler deploy` without flags ships it.
        plugins: [cloudflareTest({ wrangler: { configPath: './worker/wrangler.toml' } })],
        test: { name: 'worker-production', include: [PRODUCTION_CONFIG_TESTS], ...WORKERD_LIMITS },
      },
    ],
  },
});
