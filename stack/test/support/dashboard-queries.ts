import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricByName, type Runtime, strategiesOf } from '@looplab/contract';
import {
  allPanelQueries,
  type PanelQuery,
  substituteVariables,
} from '../../../dashboards/src/extract.js';
import { metricNames } from '../../../dashboards/src/promql.js';
import { REPO_ROOT } from '../../../lab/test/support/cli.js';

export const DASHBOARDS = join(REPO_ROOT, 'dashboards', 'generated');

export interface QueryOutcome {
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
 * (the contract's `strategies`, and any strategy the query itself names). On the Node app that
 * is every query; on the FastAPI twin the pool, queue and chunk panels are Node's alone.
 */
export function appliesTo(runtime: Runtime, promql: string): boolean {
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

export interface DashboardRun {
  /** Prometheus base URL. */
  promUrl: string;
  runtime: Runtime;
  testid: string;
  /** The run's edges, seconds since the epoch. */
  runStart: number;
  runEnd: number;
  /** The app's scrape target (the dashboards' `instance` variable). */
  instance: string;
}

export interface DashboardQueries {
  files: string[];
  outcomes: QueryOutcome[];
  /** Queries that read only metrics another runtime exports. */
  skipped: PanelQuery[];
}

/**
 * Runs every panel, annotation and variable query of every generated dashboard against a real
 * Prometheus, with the dashboards' variables set to one run of one target app, as Grafana would
 * over the run's time range.
 */
export async function runDashboardQueries(run: DashboardRun): Promise<DashboardQueries> {
  const { promUrl, runtime, testid, runStart, runEnd, instance } = run;
  const files = readdirSync(DASHBOARDS).filter((file) => file.endsWith('.json'));
  const rangeS = Math.ceil(runEnd - runStart);
  const values = {
    __rate_interval: '10s',
    __interval: '2s',
    __interval_ms: '2000',
    __range: `${rangeS}s`,
    __range_s: String(rangeS),
    __range_ms: String(rangeS * 1000),
    datasource: 'prometheus',
    target: runtime,
    testid,
    testid_b: testid,
    strategy: '.*',
    instance,
  };
  const outcomes: QueryOutcome[] = [];
  const skipped: PanelQuery[] = [];
  for (const file of files) {
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as unknown;
    for (const query of allPanelQueries(dashboard)) {
      const promql = substituteVariables(query.promql, values);
      if (!appliesTo(runtime, promql)) {
        skipped.push(query);
        continue;
      }
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
      outcomes.push({
        query,
        promql,
        series: seriesWithNumbers((body.data?.result ?? []) as Series[]),
        ...(body.status === 'success' ? {} : { error: body.error ?? `HTTP ${response.status}` }),
      });
    }
  }
  return { files, outcomes, skipped };
}

/** "dashboard / panel / refId: what went wrong — the PromQL", for assertion messages. */
export const describeOutcome = (outcome: QueryOutcome) =>
  `${outcome.query.dashboard} / ${outcome.query.panelTitle} / ${outcome.query.refId}: ${outcome.error ?? 'no data'} — ${outcome.promql}`;
