import { METRICS, type StrategyName, type WorkloadKind } from '@looplab/contract';
import { Histogram, type Registry } from 'prom-client';
import { fromContract } from '../../metrics/prom.js';

/** looplab_task_slice_seconds: each slice's length; its _count is the number of slices. */
export class SliceMetrics {
  private readonly slices: Histogram<'strategy' | 'workload'>;

  constructor(registry: Registry) {
    this.slices = new Histogram({
      ...fromContract<'strategy' | 'workload'>(METRICS.taskSlice),
      registers: [registry],
    });
  }

  observe(strategy: StrategyName, workload: WorkloadKind, ms: number): void {
    this.slices.observe({ strategy, workload }, ms / 1000);
  }
}
