import { metricsData } from './generated.js';
import type { Runtime, StrategyName } from './strategies.js';

export type MetricKey = keyof typeof metricsData.metrics;
export type MetricType = 'histogram' | 'counter' | 'gauge';
export type MetricSource = 'app' | 'worker' | 'loadgen';
export type BucketSet = keyof typeof metricsData.buckets;
export type LabelName = keyof typeof metricsData.labels;

export interface MetricDefinition {
  key: MetricKey;
  name: string;
  type: MetricType;
  help: string;
  labels: readonly LabelName[];
  source: readonly MetricSource[];
  /** Target apps that export it (app and worker metrics); empty for the load generator's. */
  runtimes: readonly Runtime[];
  /** Strategies that produce samples; undefined = every strategy (or none applies). */
  strategies?: readonly StrategyName[] | undefined;
  buckets?: readonly number[] | undefined;
  exemplars: boolean;
  /** Exported by a library's default collector, not defined by looplab. */
  external: boolean;
}

type Entry = {
  name: string;
  type: MetricType;
  help: string;
  labels: readonly LabelName[];
  source: readonly MetricSource[];
  runtimes?: readonly Runtime[];
  strategies?: readonly StrategyName[];
  buckets?: BucketSet;
  exemplars?: boolean;
  external?: boolean;
};

export const BUCKETS: Record<BucketSet, readonly number[]> = metricsData.buckets;
export const LABEL_HELP: Record<LabelName, string> = metricsData.labels;

const entries = metricsData.metrics as Record<MetricKey, Entry>;

/** Every metric by key: METRICS.eventLoopDelayWindowMax.name is the one spelling of that name. */
export const METRICS = Object.fromEntries(
  Object.entries(entries).map(([key, entry]) => [
    key,
    {
      key: key as MetricKey,
      name: entry.name,
      type: entry.type,
      help: entry.help,
      labels: entry.labels,
      source: entry.source,
      runtimes: entry.runtimes ?? [],
      strategies: entry.strategies,
      buckets: entry.buckets === undefined ? undefined : BUCKETS[entry.buckets],
      exemplars: entry.exemplars ?? false,
      external: entry.external ?? false,
    } satisfies MetricDefinition,
  ]),
) as Record<MetricKey, MetricDefinition>;

export const METRIC_LIST: readonly MetricDefinition[] = Object.values(METRICS);

/** The metrics one exporter must expose (and no others of looplab's). */
export function metricsOf(source: MetricSource, runtime?: Runtime): MetricDefinition[] {
  return METRIC_LIST.filter(
    (m) => m.source.includes(source) && (runtime === undefined || m.runtimes.includes(runtime)),
  );
}

/** Sample names a metric appears under in the exposition: a histogram is three series. */
export function sampleNames(metric: MetricDefinition): string[] {
  return metric.type === 'histogram'
    ? [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`]
    : [metric.name];
}

export function metricByName(name: string): MetricDefinition | undefined {
  return METRIC_LIST.find((m) => m.name === name || sampleNames(m).includes(name));
}
