import type { MetricDefinition } from '@looplab/contract';

/**
 * The name, help, labels and buckets of a contract metric, spread into a prom-client
 * constructor: `new Histogram({ ...fromContract(METRICS.taskWait), registers: [registry] })`.
 */
export function fromContract<L extends string = string>(
  metric: MetricDefinition,
): { name: string; help: string; labelNames: L[]; buckets?: number[] } {
  return {
    name: metric.name,
    help: metric.help,
    labelNames: [...metric.labels] as L[],
    ...(metric.buckets ? { buckets: [...metric.buckets] } : {}),
  };
}
