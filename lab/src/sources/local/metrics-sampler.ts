import { METRICS } from '@looplab/contract';
import type { MetricsSample, Strategy } from '../../model.js';
import { bucketsOf, parsePromText, sumOf } from './prom-text.js';

const M = METRICS;

/**
 * Reduces one /metrics scrape to the fields the report needs for one strategy: the app's
 * exposition, followed by the queue worker's when there is one (its tasks are counted with the
 * app's; the memory reported as the app's is the app's alone).
 */
export function toMetricsSample(
  exposition: string,
  strategy: Strategy,
  t: number,
  workerExposition = '',
): MetricsSample {
  const app = parsePromText(exposition);
  const samples = workerExposition ? [...app, ...parsePromText(workerExposition)] : app;
  const byStrategy = { strategy };
  /** A gauge's sum, or undefined when the scrape has no such series (an older app). */
  const present = (name: string, labels: Record<string, string> = {}) =>
    samples.some((sample) => sample.name === name) ? sumOf(samples, name, labels) : undefined;
  const outcome = (name: string) => sumOf(samples, M.tasks.name, { ...byStrategy, outcome: name });
  const sample: MetricsSample = {
    t,
    lagWindowMaxMs: sumOf(samples, M.eventLoopDelayWindowMax.name) * 1000,
    lagWindowS: sumOf(samples, M.eventLoopDelayWindow.name) || undefined,
    pingServerBuckets: bucketsOf(samples, M.httpServerDuration.name, { route: '/ping' }),
    lagBuckets: bucketsOf(samples, M.eventLoopDelay.name),
    eluActiveSeconds: sumOf(samples, M.eventLoopActive.name),
    tasksDone: outcome('done'),
    tasksFailed: outcome('failed'),
    tasksRejected: outcome('rejected'),
    queueDepth: sumOf(samples, M.taskQueueDepth.name, byStrategy),
    inFlight: sumOf(samples, M.tasksInFlight.name, byStrategy),
    waitBuckets: bucketsOf(samples, M.taskWait.name, byStrategy),
    runBuckets: bucketsOf(samples, M.taskRun.name, byStrategy),
  };
  const appMemoryBytes = app.some((sample) => sample.name === M.processResidentMemory.name)
    ? sumOf(app, M.processResidentMemory.name)
    : undefined;
  if (appMemoryBytes !== undefined) sample.appMemoryBytes = appMemoryBytes;
  // What a strategy costs besides the loop, only where the strategy has it (the contract's `strategies`).
  const poolWorkers = M.poolWorkers.strategies?.includes(strategy)
    ? present(M.poolWorkers.name, byStrategy)
    : undefined;
  if (poolWorkers !== undefined) sample.poolWorkers = poolWorkers;
  const poolMemory = M.poolWorkerMemory.strategies?.includes(strategy)
    ? present(M.poolWorkerMemory.name, byStrategy)
    : undefined;
  if (poolMemory !== undefined) sample.poolMemoryBytes = poolMemory;
  if (M.queueEnqueue.strategies?.includes(strategy)) {
    sample.enqueueBuckets = bucketsOf(samples, M.queueEnqueue.name, byStrategy);
  }
  if (M.taskSlice.strategies?.includes(strategy)) {
    sample.sliceBuckets = bucketsOf(samples, M.taskSlice.name, byStrategy);
  }
  return sample;
}

export interface SamplerOptions {
  /** The app's /metrics, and the queue worker's when the strategy has one: read together as one scrape. */
  metricsUrls: readonly string[];
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
        const [appText = '', ...others] = await Promise.all(this.options.metricsUrls.map(scrape));
        const sample = toMetricsSample(
          appText,
          this.options.strategy,
          Date.now() - this.options.phaseStart,
          others.join('\n'),
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

async function scrape(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  // An error page is no exposition: parsed, it would read as all-zero counters.
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return text;
}
