/**
 * The metric names dashboards may use: every sample name of the contract's metrics
 * (contract/data/metrics.json; a histogram is usable as _bucket, _sum and _count). A test checks
 * every query against this set, so a renamed metric fails loudly instead of drawing nothing.
 */
import { METRIC_LIST, metricByName, sampleNames } from '@looplab/contract';

export const KNOWN_METRIC_NAMES: ReadonlySet<string> = new Set(METRIC_LIST.flatMap(sampleNames));

/** Exported by the load generator (looplab compare), not by a target app or its worker. */
export const isLoadgenMetric = (name: string): boolean =>
  metricByName(name)?.source.includes('loadgen') ?? false;
