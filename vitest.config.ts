import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'soak/**/*.test.ts', 'e2e/**/*.e2e.test.ts'],
    globalSetup: ['./vitest.global-setup.ts'],
    // Integration tests start real processes and servers; two cores, so keep parallelism modest.
    pool: 'forks',
    maxWorkers: 2,
    // Generous: CI machines can be many times slower than a developer's. Waits inside tests poll for a condition
    // and end as soon as it holds, so a long limit costs nothing when things work.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
