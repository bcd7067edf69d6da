import type { MetricsSample, Strategy } from '../../model.js';
import { bucketsOf, parsePromText, sumOf } from './prom-text.js';

/** Reduces one /metrics scrape to the fields the report needs for one strategy. */
export function toMetricsSample(exposition: string, strategy: Strategy, t: number): MetricsSample {
  const samples = parsePromText(exposition);
  const byStrategy = { strategy };
  return {
    t,
    lagWindowMaxMs: sumOf(samples, 'nodejs_eventloop_delay_window_max_seconds') * 1000,
    lagWindowS: sumOf(samples, 'nodejs_eventloop_delay_window_seconds') || undefined,
    pingServerBuckets: bucketsOf(samples, 'http_server_request_duration_seconds', {
      route: '/ping',
    }),
    lagBuckets: bucketsOf(samples, 'nodejs_eventloop_delay_seconds'),
    eluActiveSeconds: sumOf(samples, 'nodejs_eventloop_utilization_active_seconds_total'),
    tasksDone: sumOf(samples, 'looplab_tasks_total', { ...byStrategy, outcome: 'done' }),
    tasksFailed: sumOf(samples, 'looplab_tasks_total', { ...byStrategy, outcome: 'failed' }),
    tasksRejected: sumOf(samples, 'looplab_tasks_total', { ...byStrategy, outcome: 'rejected' }),
    queueDepth: sumOf(samples, 'looplab_task_queue_depth', byStrategy),
    inFlight: sumOf(samples, 'looplab_tasks_in_flight', byStrategy),
    waitBuckets: bucketsOf(samples, 'looplab_task_wait_seconds', byStrategy),
    runBuckets: bucketsOf(samples, 'looplab_task_run_seconds', byStrategy),
  };
}

export interface SamplerOptions {
  metricsUrl: string;
  strategy: Strategy;
  /** Epoch ms the measured phase started; sample times are relative to it. */
  phaseStart: number;
  intervalMs?: number;
  onSample?: (sample: MetricsSample) => void;
}

/**
 * Scrapes /metrics about once a second. A scrape that takes longer (the loop is blocked)
 * is waited for rather than overlapped; its sample is stamped when the answer arrives.
 */
export class MetricsSampler {
  readonly samples: MetricsSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: SamplerOptions) {}

  start(): void {
    const interval = this.options.intervalMs ?? 1000;
    void this.scrapeOnce();
    this.timer = setInterval(() => {
      if (!this.inFlight) void this.scrapeOnce();
    }, interval);
  }

  /** Stops the timer and takes one last sample so the phase ends on fresh counters. */
  async stop(): Promise<MetricsSample[]> {
    clearInterval(this.timer);
    await this.inFlight;
    await this.scrapeOnce();
    this.stopped = true;
    return this.samples;
  }

  private scrapeOnce(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.inFlight = (async () => {
      try {
        const response = await fetch(this.options.metricsUrl, {
          signal: AbortSignal.timeout(15_000),
        });
        const text = await response.text();
        // An error page is no exposition: parsed, it would read as all-zero counters.
        if (!response.ok) throw new Error(`/metrics answered HTTP ${response.status}`);
        const sample = toMetricsSample(
          text,
          this.options.strategy,
          Date.now() - this.options.phaseStart,
        );
        this.samples.push(sample);
        this.options.onSample?.(sample);
      } catch {
        // A missed scrape leaves a gap in the series; the next one covers it (cumulative counters).
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }
}
