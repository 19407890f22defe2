import { defineConfig } from 'vitest/config';

// End-to-end: the built SDK in Chromium, Firefox and WebKit against the Worker under `wrangler dev`.
// Limits are sized for a busy 2-core machine: a Firefox launch has taken 24 s there, and WebKit
// starts a driver and a browser process per device.
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['e2e/support/global-setup.ts'],
    testTimeout: 180_000,
    // expect.poll gives up after 1 s by default: far too little while two browsers share two busy cores.
    expect: { poll: { timeout: 30_000, interval: 100 } },
    hookTimeout: 180_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
