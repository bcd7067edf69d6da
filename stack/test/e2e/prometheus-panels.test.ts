import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricByName, RUNTIMES, type Runtime, strategiesOf } from '@looplab/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allPanelQueries,
  type PanelQuery,
  substituteVariables,
} from '../../../dashboards/src/extract.js';
import { metricNames } from '../../../dashboards/src/promql.js';
import { REPO_ROOT } from '../../../lab/test/support/cli.js';
import { type RealRun, servedStrategies, startRealRun } from './support/real-run.js';

const DASHBOARDS = join(REPO_ROOT, 'dashboards', 'generated');

interface QueryOutcome {
  query: PanelQuery;
  promql: string;
  error?: string;
  /** Series with at least one finite sample. */
  series: number;
}

type Sample = [number, string];
interface Series {
  value?: Sample;
  values?: Sample[];
}

/** Series with at least one finite sample (a histogram_quantile of nothing is NaN, not data). */
const seriesWithNumbers = (result: Series[]): number =>
  result.filter((series) =>
    (series.values ?? (series.value ? [series.value] : [])).some(([, v]) =>
      Number.isFinite(Number(v)),
    ),
  ).length;

/**
 * Whether a query can show data for this app: every metric it reads is exported by the load
 * generator or by this runtime (the contract's `runtimes`), for at least one of its strategies
 * (the contract's `strategies`, and any strategy the query itself names). On the Node app that is every query; on the FastAPI twin the
 * pool, queue and chunk panels are Node's alone.
 */
function appliesTo(runtime: Runtime, promql: string): boolean {
  const names = new Set(strategiesOf(runtime).map((s) => s.name as string));
  // A query may also pick strategies itself (strategy="queue"): one of them must be this app's.
  for (const [, picked] of promql.matchAll(/strategy=~?"([^"$]*)"/g)) {
    if (!(picked ?? '').split('|').some((s) => names.has(s) || s === '.*')) return false;
  }
  return metricNames(promql).every((name) => {
    const metric = metricByName(name);
    if (!metric) return false;
    if (!metric.source.includes('loadgen') && !metric.runtimes.includes(runtime)) return false;
    return metric.strategies === undefined || metric.strategies.some((s) => names.has(s));
  });
}

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
      const files = readdirSync(DASHBOARDS).filter((file) => file.endsWith('.json'));
      expect(files.length).toBeGreaterThanOrEqual(3);
      const values = {
        __rate_interval: '10s',
        __interval: '2s',
        __interval_ms: '2000',
        __range: `${Math.ceil(runEnd - runStart)}s`,
        __range_s: String(Math.ceil(runEnd - runStart)),
        __range_ms: String(Math.ceil(runEnd - runStart) * 1000),
        datasource: 'prometheus',
        target: runtime,
        testid: TESTID,
        testid_b: TESTID,
        strategy: '.*',
        instance: `127.0.0.1:${real.app.port}`,
      };
      const outcomes: QueryOutcome[] = [];
      const skipped: PanelQuery[] = [];
      for (const file of files) {
        const dashboard = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as unknown;
        for (const query of allPanelQueries(dashboard)) {
          const promql = substituteVariables(query.promql, values);
          const params = new URLSearchParams({ query: promql });
          let path = '/api/v1/query';
          // Grafana resolves variables over the dashboard's time range, as a range query does.
          if (query.instant && query.kind !== 'variable') params.set('time', String(runEnd));
          else {
            path = '/api/v1/query_range';
            params.set('start', String(runStart));
            params.set('end', String(runEnd));
            params.set('step', '2');
          }
          const response = await fetch(`${promUrl}${path}?${params}`);
          const body = (await response.json()) as {
            status: string;
            error?: string;
            data?: { result: unknown[] };
          };
          if (!appliesTo(runtime, promql)) {
            skipped.push(query);
            continue;
          }
          outcomes.push({
            query,
            promql,
            series: seriesWithNumbers((body.data?.result ?? []) as Series[]),
            ...(body.status === 'success'
              ? {}
              : { error: body.error ?? `HTTP ${response.status}` }),
          });
        }
      }
      const describe = (outcome: QueryOutcome) =>
        `${outcome.query.dashboard} / ${outcome.query.panelTitle} / ${outcome.query.refId}: ${outcome.error ?? 'no data'} — ${outcome.promql}`;
      const withData = outcomes.filter((outcome) => outcome.series > 0);
      console.log(
        `target ${runtime}: executed ${outcomes.length} queries from ${files.length} dashboards against Prometheus after a run of ${real.strategies.join(', ')}: ${withData.length} returned data (${skipped.length} more read only metrics another app exports)`,
      );
      expect(
        outcomes.filter((outcome) => outcome.error).map(describe),
        'queries that did not parse or failed',
      ).toEqual([]);
      expect(
        outcomes.filter((outcome) => outcome.series === 0).map(describe),
        'queries that returned no data',
      ).toEqual([]);
    });
  },
);
