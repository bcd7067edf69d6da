import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'contract/src/**/*.spec.ts',
            'target-app/src/**/*.spec.ts',
            'lab/src/**/*.spec.ts',
            'dashboards/src/**/*.spec.ts',
            'dashboards/test/**/*.test.ts',
            'stack/test/*.test.ts',
          ],
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'target-app/test/**/*.test.ts',
            'test/contract/**/*.test.ts',
            'test/readme/**/*.test.ts',
            'lab/test/**/*.test.ts',
            'stack/test/e2e/**/*.test.ts',
          ],
          // Each file starts real processes and measures latency: one at a time on 2 cores.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          // The compose stack for real (npm run test:stack): Docker builds and a whole stack on
          // 2 cores, so it runs after every other test, alone.
          name: 'stack',
          include: ['stack/test/compose/**/*.test.ts'],
          sequence: { groupOrder: 1 },
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 3_600_000,
        },
      },
    ],
  },
});
