import {
  METRICS,
  type MetricDefinition,
  type TaskOutcome,
  WORKER_STRATEGY,
  type WorkloadKind,
} from '@looplab/contract';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The BullMQ states looplab_queue_jobs reports (the `state` label's values). */
export const QUEUE_STATES = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];
export type JobCounts = Partial<Record<QueueState, number>>;

const spec = (metric: MetricDefinition) => ({
  name: metric.name,
  help: metric.help,
  labelNames: [...metric.labels],
});

/**
 * The queue worker's own /metrics: the task histograms and outcome counter every strategy
 * has (strategy: the contract's WORKER_STRATEGY, queue), jobs in flight here, and the queue's job counts read from Redis at
 * scrape time (a scrape while Redis is away keeps the last counts rather than failing).
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly wait: Histogram;
  private readonly run: Histogram;
  private readonly outcomes: Counter;

  constructor(
    readJobCounts: () => Promise<JobCounts>,
    readInFlight: () => number,
    onCountsError: (error: unknown) => void,
  ) {
    collectDefaultMetrics({ register: this.registry });
    const buckets = (metric: MetricDefinition) => [...(metric.buckets ?? [])];
    this.wait = new Histogram({
      ...spec(METRICS.taskWait),
      buckets: buckets(METRICS.taskWait),
      registers: [this.registry],
    });
    this.run = new Histogram({
      ...spec(METRICS.taskRun),
      buckets: buckets(METRICS.taskRun),
      registers: [this.registry],
    });
    this.outcomes = new Counter({ ...spec(METRICS.tasks), registers: [this.registry] });
    const inFlight: Gauge = new Gauge({
      ...spec(METRICS.tasksInFlight),
      registers: [this.registry],
      collect: () => inFlight.set({ strategy: WORKER_STRATEGY }, readInFlight()),
    });
    const jobs: Gauge = new Gauge({
      ...spec(METRICS.queueJobs),
      registers: [this.registry],
      collect: async () => {
        try {
          const counts = await readJobCounts();
          for (const state of QUEUE_STATES) jobs.set({ state }, counts[state] ?? 0);
        } catch (error) {
          onCountsError(error);
        }
      },
    });
    for (const state of QUEUE_STATES) jobs.set({ state }, 0);
  }

  observe(
    workload: WorkloadKind,
    outcome: Extract<TaskOutcome, 'done' | 'failed'>,
    waitMs?: number,
    runMs?: number,
  ): void {
    this.outcomes.inc({ strategy: WORKER_STRATEGY, workload, outcome });
    if (waitMs !== undefined)
      this.wait.observe({ strategy: WORKER_STRATEGY, workload }, waitMs / 1000);
    if (runMs !== undefined)
      this.run.observe({ strategy: WORKER_STRATEGY, workload }, runMs / 1000);
  }
}
