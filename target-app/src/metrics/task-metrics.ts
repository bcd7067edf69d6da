import { METRICS, type StrategyName, type TaskOutcome, type WorkloadKind } from '@looplab/contract';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { QueueProbe } from '../common/tasks/task-executor.js';
import { fromContract } from './prom.js';

type StrategyLabels = 'strategy' | 'workload';

export class TaskMetrics {
  private readonly wait: Histogram<StrategyLabels>;
  private readonly run: Histogram<StrategyLabels>;
  private readonly outcomes: Counter<StrategyLabels | 'outcome'>;

  private probes: QueueProbe[] = [];

  constructor(registry: Registry) {
    this.wait = new Histogram({
      ...fromContract<StrategyLabels>(METRICS.taskWait),
      registers: [registry],
    });
    this.run = new Histogram({
      ...fromContract<StrategyLabels>(METRICS.taskRun),
      registers: [registry],
    });
    this.outcomes = new Counter({
      ...fromContract<StrategyLabels | 'outcome'>(METRICS.tasks),
      registers: [registry],
    });
    const queueDepth = new Gauge({
      ...fromContract(METRICS.taskQueueDepth),
      registers: [registry],
      collect: () => {
        for (const probe of this.probes)
          queueDepth.set({ strategy: probe.strategy }, probe.queueDepth());
      },
    });
    const inFlight = new Gauge({
      ...fromContract(METRICS.tasksInFlight),
      registers: [registry],
      collect: () => {
        for (const probe of this.probes)
          inFlight.set({ strategy: probe.strategy }, probe.inFlight());
      },
    });
  }

  /** Executors to read queue depth and in-flight counts from at scrape time. */
  watch(probes: QueueProbe[]): void {
    this.probes = probes;
  }

  observeWait(strategy: StrategyName, workload: WorkloadKind, ms: number): void {
    this.wait.observe({ strategy, workload }, ms / 1000);
  }

  observeRun(strategy: StrategyName, workload: WorkloadKind, ms: number): void {
    this.run.observe({ strategy, workload }, ms / 1000);
  }

  countOutcome(strategy: StrategyName, workload: WorkloadKind, outcome: TaskOutcome): void {
    this.outcomes.inc({ strategy, workload, outcome });
  }
}
