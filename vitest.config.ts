import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'soak/**/*.test.ts', 'e2e/**/*.e2e.test.ts'],
    globalSetup: ['./vitest.global-setup.ts'],
    // Integration tests start real processes and servers; two cores, so keep parallelism modest.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
