import { METRICS } from '@looplab/contract';
import type { RunMeasurements } from '../measurements.js';
import { PrometheusApi, promString, type QueryLog } from './api.js';
import { type FoundRun, latestRun } from './phases.js';
import { APP_METRICS, CLIENT_METRICS } from './run-facts.js';
import { measurementsOf } from './run-measurements.js';
import { type Series, SeriesSet } from './series.js';

export interface PrometheusSource {
  /** Base URL of Prometheus (its HTTP API is under /api/v1). */
  url: string;
  testid: string;
  /** The app's `instance` label; needed only when Prometheus scrapes more than one app. */
  instance?: string | undefined;
  /** How far back to look for the run, seconds, and as the user wrote it (for messages). */
  sinceS: number;
  sinceText: string;
  /** The app's LOOPLAB_EVENT_LOOP_WINDOW_S. */
  eventLoopWindowS: number;
  /** Seconds since the epoch; defaults to now. */
  now?: number;
}

/** Everything prometheus.json records: where the report's numbers came from. */
export interface Provenance {
  schemaVersion: 1;
  prometheus: string;
  testid: string;
  instance: string | null;
  since: string;
  eventLoopWindowS: number;
  queriedAt: string;
  scrapeIntervalsS: { loadGenerator: number | null; app: number | null };
  phases: Array<{
    strategy: string;
    warmup: { firstScrape: string; lastScrape: string } | null;
    measure: {
      firstScrape: string;
      lastScrape: string;
      start: string;
      end: string;
      seconds: number;
    };
  }>;
  earlierPhasesIgnored: number;
  queries: QueryLog[];
  notes: string[];
}

export interface Collected {
  measured: RunMeasurements;
  /** Where the measurements came from; the report's own notes are added to its `notes`. */
  provenance: Provenance;
}

/** Seconds of data fetched before the first warm-up and after the last phase. */
const MARGIN_S = 30;

const iso = (seconds: number): string => new Date(Math.round(seconds * 1000)).toISOString();
const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

function metricNames(names: readonly string[]): string {
  return `__name__=~${promString(names.join('|'))}`;
}

/** The app's series for the run: one instance, chosen by --instance or because it is the only one. */
function appSeriesOf(
  series: Series[],
  source: PrometheusSource,
  notes: string[],
): {
  app: SeriesSet | undefined;
  instance: string | undefined;
} {
  const gauges = series.filter((s) => s.labels.__name__ === METRICS.eventLoopDelayWindowMax.name);
  const targets = [...new Set(gauges.map((s) => `${s.labels.instance} (job ${s.labels.job})`))];
  if (targets.length > 1) {
    throw new Error(
      `Prometheus has looplab app metrics from ${targets.length} scrape targets during this run: ${targets.join(', ')}. ${
        source.instance
          ? 'They share the instance label; rename one in the scrape config.'
          : 'Choose the app under test with --instance <instance>.'
      }`,
    );
  }
  if (targets.length === 0) {
    if (source.instance)
      throw new Error(
        `no looplab app metrics (${METRICS.eventLoopDelayWindowMax.name}) for instance ${source.instance} during the run at ${source.url}`,
      );
    notes.push(
      'No app metrics in Prometheus during this run (was the app scraped?): event-loop and task numbers are unknown.',
    );
    return { app: undefined, instance: undefined };
  }
  const instance = gauges[0]?.labels.instance;
  const job = gauges[0]?.labels.job;
  return {
    app: new SeriesSet(
      series.filter((s) => s.labels.instance === instance && s.labels.job === job),
    ),
    instance,
  };
}

function provenanceOf(
  api: PrometheusApi,
  source: PrometheusSource,
  run: FoundRun,
  client: SeriesSet,
  app: SeriesSet | undefined,
  instance: string | undefined,
  notes: string[],
  now: number,
): Provenance {
  return {
    schemaVersion: 1,
    prometheus: api.baseUrl,
    testid: source.testid,
    instance: instance ?? null,
    since: source.sinceText,
    eventLoopWindowS: source.eventLoopWindowS,
    queriedAt: iso(now),
    scrapeIntervalsS: {
      loadGenerator: finiteOrNull(client.interval),
      app: app ? finiteOrNull(app.interval) : null,
    },
    phases: run.phases.map((phase) => ({
      strategy: phase.strategy,
      warmup: phase.warmup
        ? { firstScrape: iso(phase.warmup.first), lastScrape: iso(phase.warmup.last) }
        : null,
      measure: {
        firstScrape: iso(phase.first),
        lastScrape: iso(phase.last),
        start: iso(phase.start),
        end: iso(phase.end),
        seconds: Math.round((phase.end - phase.start) * 1000) / 1000,
      },
    })),
    earlierPhasesIgnored: run.earlierPhases,
    queries: api.log,
    notes,
  };
}

/**
 * Three queries: the run's phases over the lookback window, then the raw samples of the load
 * generator's and of the app's series over the run (plus a margin), from which
 * the report builder derives every number (app-timeline.ts, client-view.ts, run-facts.ts).
 */
export async function collectFromPrometheus(source: PrometheusSource): Promise<Collected> {
  const api = new PrometheusApi(source.url);
  const now = source.now ?? Date.now() / 1000;
  const testid = `testid=${promString(source.testid)}`;

  const phaseSeries = await api.samples(
    `looplab_run_phase{${testid}}[${Math.ceil(source.sinceS)}s]`,
    now,
  );
  const where = `in the last ${source.sinceText} at ${api.baseUrl}`;
  if (phaseSeries.length === 0)
    throw new Error(`no looplab_run_phase series for testid ${source.testid} ${where}`);
  const run = latestRun(phaseSeries);
  if (!run)
    throw new Error(
      `no measure phase of a known strategy in the looplab_run_phase series for testid ${source.testid} ${where} (was the run stopped during its warm-up?)`,
    );
  const notes: string[] = [];
  if (run.earlierPhases > 0)
    notes.push(
      `${run.earlierPhases} measure phase(s) with testid ${source.testid} belong to earlier runs; the report covers the latest run only.`,
    );
  if (run.unknownStrategies.length > 0)
    notes.push(
      `Strategies this looplab does not know were left out: ${run.unknownStrategies.join(', ')}.`,
    );

  const first = run.phases[0];
  const last = run.phases.at(-1);
  if (!first || !last) throw new Error('no measure phase found');
  const from = (first.warmup?.first ?? first.first) - MARGIN_S;
  const to = Math.min(now, last.last + MARGIN_S);
  const range = `[${Math.ceil(to - from)}s]`;

  const client = new SeriesSet(
    await api.samples(`{${metricNames(CLIENT_METRICS)}, ${testid}}${range}`, to),
  );
  // A finished run's load generator is scraped once more (--metrics-linger) without any phase.
  const lastPhaseScrape = Math.max(...phaseSeries.map((s) => s.t.at(-1) ?? 0));
  if (
    now - lastPhaseScrape < 3 * run.interval + 1 &&
    !client.scrapes.some((t) => t > lastPhaseScrape + 1e-3)
  )
    notes.push(
      `The run may still be going: its last phase was scraped ${(now - lastPhaseScrape).toFixed(1)} s ago. Build the report again when it has finished.`,
    );
  const instance = source.instance ? `, instance=${promString(source.instance)}` : '';
  const appAll = await api.samples(`{${metricNames(APP_METRICS)}${instance}}${range}`, to);
  const { app, instance: appInstance } = appSeriesOf(appAll, source, notes);
  if (app && app.interval > 1.5 && !Number.isNaN(app.interval))
    notes.push(
      `The app was scraped every ${app.interval.toFixed(1)} s: app numbers are read between scrapes (linear), so their phase boundaries are this coarse.`,
    );

  const phases = run.phases.map((phase) => {
    if (app && app.firstScrape > phase.start + app.interval)
      notes.push(
        `${phase.strategy}: Prometheus scraped the app only from ${iso(app.firstScrape)}, after the measure phase began; its app numbers cover the phase from then on.`,
      );
    // No scrape of the load generator before the phase: it may have begun any time before.
    if (client.firstScrape < phase.first - 1e-3) return phase;
    notes.push(
      `${phase.strategy}: Prometheus began scraping the load generator only during this measure phase (first scrape ${iso(phase.first)}); its numbers cover the phase from then on.`,
    );
    return { ...phase, start: phase.first, truncated: true };
  });

  const found = { ...run, phases };
  const series = { testid: source.testid, run: found, client, app, instance: appInstance };
  return {
    measured: measurementsOf(series, source.eventLoopWindowS, notes),
    provenance: provenanceOf(api, source, found, client, app, appInstance, notes, now),
  };
}
