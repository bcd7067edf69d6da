/**
 * Your own service's /metrics, read for what the report needs: which of its series say what
 * looplab's own names say, recognised by suffix so any prefix works, and a rewrite of one scrape
 * onto looplab's names so the one reduction (app-sample.ts) reads it like the lab's apps.
 *
 * Cumulative series are preferred (their start/end difference is exact whoever else scrapes);
 * a gauge that resets on read is taken only when there is nothing better, and says so.
 */
import { METRICS, PROBE } from '@looplab/contract';
import type { ReadingKind, RecognisedMetrics } from '../model.js';
import type { PromSample } from './prom-text.js';

/** The probe's route as the service's HTTP histograms label it. */
export interface ProbeRoute {
  method: string;
  path: string;
}

interface Candidate {
  suffix: string;
  reading: ReadingKind;
  /** Labels the series must carry (OpenTelemetry's event-loop state). */
  labels?: Record<string, string>;
}

const M = METRICS;
const OTEL_ACTIVE = { nodejs_eventloop_state: 'active' };

/**
 * The event loop's largest delay, best first: looplab's exact window max; prom-client's default
 * (`nodejs_eventloop_lag_max_seconds`) and OpenTelemetry runtime-node through its Prometheus
 * exporter (`nodejs_eventloop_delay_max`), both reset on every scrape; runtime-node through the
 * Collector or an OTLP endpoint (`..._seconds`), reset on every export of the SDK.
 */
const LAG_MAX: readonly Candidate[] = [
  { suffix: M.eventLoopDelayWindowMax.name, reading: 'window' },
  { suffix: 'nodejs_eventloop_lag_max_seconds', reading: 'scrape' },
  { suffix: 'nodejs_eventloop_delay_max', reading: 'scrape' },
  { suffix: 'nodejs_eventloop_delay_max_seconds', reading: 'export' },
];

/**
 * The loop's busy time, best first: counters of active seconds (looplab's; runtime-node's
 * `nodejs_eventloop_time` by state, both namings), then runtime-node's utilization gauge, which
 * covers the time since it was last read (scrape or export).
 */
const UTILIZATION: readonly Candidate[] = [
  { suffix: M.eventLoopActive.name, reading: 'counter' },
  { suffix: 'nodejs_eventloop_time_total', reading: 'counter', labels: OTEL_ACTIVE },
  { suffix: 'nodejs_eventloop_time_seconds_total', reading: 'counter', labels: OTEL_ACTIVE },
  { suffix: 'nodejs_eventloop_utilization', reading: 'scrape' },
  { suffix: 'nodejs_eventloop_utilization_ratio', reading: 'export' },
];

/** HTTP server duration histograms, by the label that holds the route: who writes them. */
const ROUTE_LABELS: Readonly<Record<string, string>> = {
  route: 'looplab',
  http_route: 'OpenTelemetry',
  handler: 'prometheus-fastapi-instrumentator',
  path: 'starlette_exporter',
};
const METHOD_LABELS = ['method', 'http_request_method'] as const;
const DURATION_SUFFIX = 'request_duration_seconds';

const MEMORY_SUFFIX = M.processResidentMemory.name;

/** looplab's own stall series (the instruments'), passed through under their own names. */
const STALL_SERIES = [
  M.eventLoopStalls.name,
  M.eventLoopStalledSeconds.name,
  M.eventLoopStallThreshold.name,
];

function labelled(sample: PromSample, labels: Record<string, string> = {}): boolean {
  return Object.entries(labels).every(([key, value]) => sample.labels[key] === value);
}

/** The first candidate the exposition has: the family that ends with its suffix. */
function firstOf(
  samples: readonly PromSample[],
  candidates: readonly Candidate[],
): { series: string; reading: ReadingKind; labels: Record<string, string> } | undefined {
  for (const candidate of candidates) {
    const found = samples.find(
      (sample) => sample.name.endsWith(candidate.suffix) && labelled(sample, candidate.labels),
    );
    if (found)
      return { series: found.name, reading: candidate.reading, labels: candidate.labels ?? {} };
  }
  return undefined;
}

/** A histogram bucket sample of the probe's route (and method, where the histogram has one). */
function probeBucket(sample: PromSample, probe: ProbeRoute): string | undefined {
  if (!sample.name.endsWith(`${DURATION_SUFFIX}_bucket`)) return undefined;
  const routeLabel = Object.keys(ROUTE_LABELS).find((label) => sample.labels[label] === probe.path);
  if (!routeLabel) return undefined;
  const methodLabel = METHOD_LABELS.find((label) => sample.labels[label] !== undefined);
  if (methodLabel && sample.labels[methodLabel]?.toUpperCase() !== probe.method) return undefined;
  return routeLabel;
}

/** The filter that picks the probe's buckets out of a recognised histogram. */
function probeMatch(series: string, probe: ProbeRoute) {
  return (sample: PromSample) =>
    sample.name === `${series}_bucket` && probeBucket(sample, probe) !== undefined;
}

/**
 * Which of the service's series feed the report, from one scrape. Every field is optional: a
 * service without event-loop metrics leaves those figures to the probe alone.
 */
export function recogniseMetrics(
  samples: readonly PromSample[],
  probe: ProbeRoute,
): RecognisedMetrics {
  const recognised: RecognisedMetrics = {};
  const lagMax = firstOf(samples, LAG_MAX);
  if (lagMax) recognised.lagMax = { series: lagMax.series, reading: lagMax.reading };
  const histogram = samples.find((sample) =>
    sample.name.endsWith(`${M.eventLoopDelay.name}_bucket`),
  );
  if (histogram) recognised.lagHistogram = histogram.name.replace(/_bucket$/, '');
  const utilization = firstOf(samples, UTILIZATION);
  if (utilization)
    recognised.utilization = { series: utilization.series, reading: utilization.reading };
  for (const sample of samples) {
    const routeLabel = probeBucket(sample, probe);
    if (!routeLabel) continue;
    recognised.probeServer = {
      series: sample.name.replace(/_bucket$/, ''),
      exporter: ROUTE_LABELS[routeLabel] as string,
    };
    break;
  }
  const memory = samples.find((sample) => sample.name.endsWith(MEMORY_SUFFIX));
  if (memory) recognised.memory = memory.name;
  return recognised;
}

/** What a rewrite needs besides the scrape: the time since the previous one, and its figures. */
export interface ScrapeContext {
  /** Seconds since the previous scrape of this service (a reset-on-read reading's window). */
  sinceLastScrapeS: number;
  /** Active seconds so far (a utilization gauge is added up scrape by scrape from here). */
  activeSecondsBefore: number;
}

const ONE: Record<string, string> = {};

/**
 * One scrape rewritten onto looplab's names (and its probe route onto looplab's /ping), so
 * metrics/app-sample.ts reduces it as it reduces the lab's apps: a reset-on-read max becomes a
 * window max whose window is the time since the previous scrape; a utilization gauge, active
 * seconds added up.
 */
export function asLooplabNames(
  samples: readonly PromSample[],
  recognised: RecognisedMetrics,
  probe: ProbeRoute,
  context: ScrapeContext,
): PromSample[] {
  const out: PromSample[] = [];
  const value = (series: string, labels: Record<string, string> = {}) =>
    samples
      .filter((sample) => sample.name === series && labelled(sample, labels))
      .reduce((sum, sample) => sum + sample.value, 0);
  const { lagMax, lagHistogram, utilization, probeServer, memory } = recognised;
  if (lagMax) {
    out.push({ name: M.eventLoopDelayWindowMax.name, labels: ONE, value: value(lagMax.series) });
    const windowSeries = lagMax.series.replace(/window_max_seconds$/, 'window_seconds');
    const windowS =
      lagMax.reading === 'window'
        ? value(windowSeries)
        : lagMax.reading === 'scrape'
          ? context.sinceLastScrapeS
          : 0;
    out.push({ name: M.eventLoopDelayWindow.name, labels: ONE, value: windowS });
  }
  if (lagHistogram)
    for (const sample of samples)
      if (sample.name === `${lagHistogram}_bucket`)
        out.push({ ...sample, name: `${M.eventLoopDelay.name}_bucket` });
  if (utilization) {
    const labels = utilization.series.includes('eventloop_time') ? OTEL_ACTIVE : ONE;
    const active =
      utilization.reading === 'counter'
        ? value(utilization.series, labels)
        : context.activeSecondsBefore + value(utilization.series) * context.sinceLastScrapeS;
    out.push({ name: M.eventLoopActive.name, labels: ONE, value: active });
  }
  if (probeServer) {
    const isProbe = probeMatch(probeServer.series, probe);
    for (const sample of samples)
      if (isProbe(sample))
        out.push({
          name: `${M.httpServerDuration.name}_bucket`,
          labels: { route: PROBE.route, le: sample.labels.le ?? '+Inf' },
          value: sample.value,
        });
  }
  if (memory) out.push({ name: M.processResidentMemory.name, labels: ONE, value: value(memory) });
  for (const sample of samples) {
    const own = STALL_SERIES.find((name) => sample.name.endsWith(name));
    if (own) out.push({ ...sample, name: own });
  }
  return out;
}
