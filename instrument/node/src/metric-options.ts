import type { METRICS } from './contract.generated.js';

type ContractMetric = (typeof METRICS)[keyof typeof METRICS];

/** A contract metric as prom-client constructor options (fresh arrays: prom-client wants them mutable). */
export function metricOptions<L extends string = string>(
  metric: ContractMetric,
): { name: string; help: string; labelNames: L[]; buckets?: number[] } {
  return {
    name: metric.name,
    help: metric.help,
    labelNames: [...metric.labelNames] as L[],
    ...('buckets' in metric ? { buckets: [...metric.buckets] } : {}),
  };
}
