import { appSample } from '../../metrics/app-sample.js';
import { expositionReader, parsePromText } from '../../metrics/prom-text.js';
import { asLooplabNames, type ProbeRoute, recogniseMetrics } from '../../metrics/recognise.js';
import type { MetricsSample, RecognisedMetrics } from '../../model.js';
import type { ScrapeReducer } from '../metrics-sampler.js';

/**
 * When each service's metrics were last scraped by this run (epoch ms, by URL): a max the service
 * resets on every scrape covers the time since then, whichever variant's phase scraped it.
 */
export type LastScrapes = Map<string, number>;

const UNKNOWN_WINDOW_S = 3600;

/**
 * One variant's scrapes of your own service: each recognised (metrics/recognise.ts), rewritten
 * onto looplab's names and reduced to a sample as the lab's apps' are.
 */
export class ServiceScrapes {
  /** What the latest scrape had (the raw.json of the cell records it). */
  recognised: RecognisedMetrics = {};
  private previous: MetricsSample | undefined;

  constructor(
    private readonly url: string,
    private readonly probe: ProbeRoute,
    private readonly variant: string,
    private readonly lastScrapes: LastScrapes,
  ) {}

  readonly reduce: ScrapeReducer = (expositions, t) => {
    const now = Date.now();
    const samples = parsePromText(expositions.join('\n'));
    this.recognised = recogniseMetrics(samples, this.probe);
    const last = this.lastScrapes.get(this.url);
    this.lastScrapes.set(this.url, now);
    const rewritten = asLooplabNames(samples, this.recognised, this.probe, {
      // Never scraped by this run (the preflight always does): an hour, so it never settles.
      sinceLastScrapeS: last === undefined ? UNKNOWN_WINDOW_S : (now - last) / 1000,
      activeSecondsBefore: this.previous?.eluActiveSeconds ?? 0,
    });
    const reader = expositionReader(rewritten);
    this.previous = appSample(reader, reader, this.variant, t);
    return this.previous;
  };
}
