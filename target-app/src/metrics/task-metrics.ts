import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BackgroundStrategy, TaskOutcome } from '../tasks/task.js';
import type { WorkloadKind } from '../tasks/workloads.js';
import { TASK_DURATION_BUCKETS_SECONDS } from './buckets.js';

type StrategyLabels = 'strategy' | 'workload';

/** What the executors report about their queues; read at scrape time. */
export interface QueueProbe {
  strategy: BackgroundStrategy;
  queueDepth(): number;
  inFlight(): number;
}

export class TaskMetrics {
  private readonly wait: Histogram<StrategyLabels>;
  private readonly run: Histogram<StrategyLabels>;
  private readonly outcomes: Counter<StrategyLabels | 'outcome'>;

  private probes: QueueProbe[] = [];

  constructor(registry: Registry) {
    this.wait = new Histogram({
      name: 'looplab_task_wait_seconds',
      help: 'Time a background task waited between being accepted and starting to run.',
      labelNames: ['strategy', 'workload'],
      buckets: TASK_DURATION_BUCKETS_SECONDS,
      registers: [registry],
    });
    this.run = new Histogram({
      name: 'looplab_task_run_seconds',
      help: 'Time a background task spent running its workload.',
      labelNames: ['strategy', 'workload'],
      buckets: TASK_DURATION_BUCKETS_SECONDS,
      registers: [registry],
    });
    this.outcomes = new Counter({
      name: 'looplab_tasks_total',
      help: 'Background tasks by final outcome: done, failed or rejected (queue full or shutting down).',
      labelNames: ['strategy', 'workload', 'outcome'],
      registers: [registry],
    });
    const queueDepth = new Gauge({
      name: 'looplab_task_queue_depth',
      help: 'Background tasks accepted and waiting to start.',
      labelNames: ['strategy'],
      registers: [registry],
      collect: () => {
        for (const probe of this.probes)
          queueDepth.set({ strategy: probe.strategy }, probe.queueDepth());
      },
    });
    const inFlight = new Gauge({
      name: 'looplab_tasks_in_flight',
      help: 'Background tasks running right now.',
      labelNames: ['strategy'],
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

  observeWait(strategy: BackgroundStrategy, workload: WorkloadKind, ms: number): void {
    this.wait.observe({ strategy, workload }, ms / 1000);
  }

  observeRun(strategy: BackgroundStrategy, workload: WorkloadKind, ms: number): void {
    this.run.observe({ strategy, workload }, ms / 1000);
  }

  countOutcome(strategy: BackgroundStrategy, workload: WorkloadKind, outcome: TaskOutcome): void {
    this.outcomes.inc({ strategy, workload, outcome });
  }
}
