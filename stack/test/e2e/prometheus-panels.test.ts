import { RUNTIMES, strategiesOf } from '@looplab/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOutcome, runDashboardQueries } from '../support/dashboard-queries.js';
import { type RealRun, servedStrategies, startRealRun } from './support/real-run.js';

/**
 * Proof without Grafana, for each target app: a real Prometheus scrapes the real app (for Node
 * also its queue worker, with a real Redis) and the real load generator during a short real run
 * of every strategy the app serves, then every query of every generated dashboard is executed
 * against it with the dashboards' `target` variable set to that app. Each query that applies to
 * the app must parse and return at least one finite number; the failures are listed by
 * dashboard and panel.
 */
describe.each(RUNTIMES)(
  'every dashboard query returns data for target %s after a real run',
  (runtime) => {
    const TESTID = `panels-${runtime}`;
    let real: RealRun;
    let promUrl = '';
    let runStart = 0;
    let runEnd = 0;

    beforeAll(async () => {
      real = await startRealRun({ testid: TESTID, runtime });
      ({ promUrl, runStart, runEnd } = real);
    }, 600_000);

    afterAll(async () => {
      await real?.stop();
    });

    it('the run itself succeeded', () => {
      expect(real.run.code, `${real.run.stdout}\n${real.run.stderr}`).toBe(0);
    });

    it('drove every strategy of the runtime in the contract (so every per-strategy panel has data)', async () => {
      const all = strategiesOf(runtime).map((s) => s.name);
      expect(await servedStrategies(real.app.url, runtime)).toEqual(all);
      expect(real.strategies).toEqual(all);
    });

    it('runs every panel, annotation and variable query and each returns data', async () => {
      const { files, outcomes, skipped } = await runDashboardQueries({
        promUrl,
        runtime,
        testid: TESTID,
        runStart,
        runEnd,
        instance: `127.0.0.1:${real.app.port}`,
      });
      expect(files.length).toBeGreaterThanOrEqual(3);
      const withData = outcomes.filter((outcome) => outcome.series > 0);
      console.log(
        `target ${runtime}: executed ${outcomes.length} queries from ${files.length} dashboards against Prometheus after a run of ${real.strategies.join(', ')}: ${withData.length} returned data (${skipped.length} more read only metrics another app exports)`,
      );
      expect(
        outcomes.filter((outcome) => outcome.error).map(describeOutcome),
        'queries that did not parse or failed',
      ).toEqual([]);
      expect(
        outcomes.filter((outcome) => outcome.series === 0).map(describeOutcome),
        'queries that returned no data',
      ).toEqual([]);
    });
  },
);
