import { appSample } from '../metrics/app-sample.js';
import { expositionReader, parsePromText } from '../metrics/prom-text.js';
import type { MetricsSample, Strategy } from '../model.js';

/**
 * Reduces one /metrics scrape to the fields the report needs for one strategy: the app's
 * exposition, followed by the queue worker's when there is one.
 */
export function toMetricsSample(
  exposition: string,
  strategy: Strategy,
  t: number,
  workerExposition = '',
): MetricsSample {
  const app = parsePromText(exposition);
  const all = workerExposition ? [...app, ...parsePromText(workerExposition)] : app;
  return appSample(expositionReader(all), expositionReader(app), strategy, t);
}

/**
 * How one scrape (the text of each metrics URL, in order) becomes a sample taken at t ms of the
 * phase: looplab's own apps by default (toMetricsSample), your own service by what it exports
 * (metrics/recognise.ts).
 */
export type ScrapeReducer = (expositions: readonly string[], t: number) => MetricsSample;

export interface SamplerOptions {
  /** The app's /metrics, and the queue worker's when the strategy has one: read together as one scrape. */
  metricsUrls: readonly string[];
  strategy: Strategy;
  /** Epoch ms the measured phase started; sample times are relative to it. */
  phaseStart: number;
  intervalMs?: number;
  reduce?: ScrapeReducer;
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

  /** Without a metrics URL (a service that has none) there is nothing to scrape: no samples. */
  start(): void {
    if (this.options.metricsUrls.length === 0) return;
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
    if (this.options.metricsUrls.length > 0) await this.scrapeOnce();
    this.stopped = true;
    return this.samples;
  }

  private scrapeOnce(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.inFlight = (async () => {
      try {
        const texts = await Promise.all(this.options.metricsUrls.map(scrape));
        const t = Date.now() - this.options.phaseStart;
        const [appText = '', ...others] = texts;
        const sample = this.options.reduce
          ? this.options.reduce(texts, t)
          : toMetricsSample(appText, this.options.strategy, t, others.join('\n'));
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
