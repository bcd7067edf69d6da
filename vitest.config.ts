import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Three tiers (README, "Contributing"): `unit` needs Node alone (no build, no external tool, no
// process of ours: `npm run test:unit`); `tools` needs a pinned or system tool (vegeta, promtool,
// Prometheus, redis-server, taskset) but no app under load; `integration` runs the built apps
// under real load. `npm test` runs all three.
const contractSource = fileURLToPath(new URL('./contract/src/index.ts', import.meta.url));
// Tests read the contract's sources, so the unit tier runs on a fresh clone before any build.
const resolve = { alias: { '@looplab/contract': contractSource } };

export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: {
          name: 'unit',
          include: [
            'contract/src/**/*.spec.ts',
            'instrument/node/src/**/*.spec.ts',
            'target-app/src/**/*.spec.ts',
            'lab/src/**/*.spec.ts',
            'dashboards/src/**/*.spec.ts',
            'dashboards/test/*.test.ts',
            'stack/test/services.test.ts',
          ],
        },
      },
      {
        resolve,
        test: {
          name: 'tools',
          include: [
            'lab/test/tools/**/*.test.ts',
            'dashboards/test/tools/**/*.test.ts',
            'stack/test/stack.test.ts',
            'stack/test/tool-versions.test.ts',
            'stack/test/standins.test.ts',
          ],
          testTimeout: 60_000,
        },
      },
      {
        resolve,
        test: {
          name: 'integration',
          include: [
            'instrument/node/test/**/*.test.ts',
            'target-app/test/**/*.test.ts',
            'test/contract/**/*.test.ts',
            'test/readme/**/*.test.ts',
            'lab/test/*.test.ts',
            'test/byos/**/*.test.ts',
            'stack/test/e2e/**/*.test.ts',
          ],
          // Each file starts real processes and measures latency: one at a time on 2 cores.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        resolve,
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
