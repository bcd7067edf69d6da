import { METRICS, type StrategyName } from '@looplab/contract';
import { Counter, Gauge, type Registry } from 'prom-client';
import { fromContract } from './prom.js';

/** A pool's own view of itself (worker threads or child processes), read at scrape time. */
export interface PoolProbe {
  readonly strategy: StrategyName;
  workers(): number;
  /** Run time over the capacity of all workers since start (0..1). */
  utilization(): number;
  queueSize(): number;
  /** Summed resident memory of the workers, when they are processes of their own. */
  residentMemoryBytes?(): number;
}

/** The pool families, one series per pooled strategy (pooled: threads, process: children). */
export class PoolMetrics {
  private readonly probes: PoolProbe[] = [];
  private readonly workerExits: Counter<'strategy'>;

  constructor(registry: Registry) {
    const gauge = (
      metric: typeof METRICS.poolWorkers,
      read: (probe: PoolProbe) => number | undefined,
    ) => {
      const family: Gauge<'strategy'> = new Gauge({
        ...fromContract<'strategy'>(metric),
        registers: [registry],
        collect: () => {
          for (const probe of this.probes) {
            const value = read(probe);
            if (value !== undefined) family.set({ strategy: probe.strategy }, value);
          }
        },
      });
    };
    gauge(METRICS.poolWorkers, (probe) => probe.workers());
    gauge(METRICS.poolUtilization, (probe) => probe.utilization());
    gauge(METRICS.poolQueueSize, (probe) => probe.queueSize());
    gauge(METRICS.poolWorkerMemory, (probe) => probe.residentMemoryBytes?.());
    this.workerExits = new Counter({
      ...fromContract<'strategy'>(METRICS.poolWorkerExits),
      registers: [registry],
    });
  }

  watch(probe: PoolProbe): void {
    this.probes.push(probe);
    this.workerExits.inc({ strategy: probe.strategy }, 0);
  }

  countWorkerExit(strategy: StrategyName): void {
    this.workerExits.inc({ strategy });
  }
}
