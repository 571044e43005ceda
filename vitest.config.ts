import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // expect.poll's default 1 s is short for a browser page on a busy 2-core machine.
    expect: { poll: { timeout: 5000, interval: 50 } },
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
