import { defineConfig } from 'vitest/config';

// End-to-end: browser mode in headless Chromium. One file at a time: each starts the app.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
