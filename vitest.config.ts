import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'contract/src/**/*.spec.ts',
            'instrument/node/src/**/*.spec.ts',
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
            'instrument/node/test/**/*.test.ts',
            'target-app/test/**/*.test.ts',
            'test/contract/**/*.test.ts',
            'lab/test/**/*.test.ts',
            'stack/test/e2e/**/*.test.ts',
          ],
          // Each file starts real processes and measures latency: one at a time on 2 cores.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
