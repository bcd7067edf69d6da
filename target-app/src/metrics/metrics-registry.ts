import { collectDefaultMetrics, Registry } from 'prom-client';

export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;
export const OPENMETRICS_CONTENT_TYPE = Registry.OPENMETRICS_CONTENT_TYPE;

export interface Exposition {
  contentType: string;
  body: string;
}

/**
 * One registry for the whole app, rendered as Prometheus text by default and as
 * OpenMetrics (with exemplars) when the scraper asks for it.
 */
export class MetricsRegistry {
  readonly registry = new Registry();
  private rendering: Promise<unknown> = Promise.resolve();

  constructor(eventLoopResolutionMs: number) {
    // Keeps prom-client's nodejs_eventloop_lag_* gauges (they reset on every scrape,
    // so nothing here builds on them; @looplab/instrument registers the cumulative ones).
    collectDefaultMetrics({
      register: this.registry,
      eventLoopMonitoringPrecision: eventLoopResolutionMs,
    });
  }

  static wantsOpenMetrics(accept: string | undefined): boolean {
    return accept?.includes('application/openmetrics-text') ?? false;
  }

  /** Renders are serialised: an OpenMetrics render briefly switches the registry's format. */
  render(openMetrics: boolean): Promise<Exposition> {
    const next = this.rendering.then(() =>
      openMetrics ? this.renderOpenMetrics() : this.renderPrometheus(),
    );
    this.rendering = next.catch(() => undefined);
    return next;
  }

  private async renderPrometheus(): Promise<Exposition> {
    return { contentType: PROMETHEUS_CONTENT_TYPE, body: await this.registry.metrics() };
  }

  /** prom-client types a registry's format as fixed; at run time it can be switched. */
  private get switchable(): { setContentType(type: string): void } {
    return this.registry as unknown as { setContentType(type: string): void };
  }

  private async renderOpenMetrics(): Promise<Exposition> {
    // prom-client strips `_total` from counter names while rendering OpenMetrics and never
    // puts it back; restore the names so the next Prometheus-format render stays correct.
    const counterNames = this.registry
      .getMetricsAsArray()
      .filter((metric) => String(metric.type) === 'counter')
      .map((metric) => [metric, metric.name] as const);
    this.switchable.setContentType(OPENMETRICS_CONTENT_TYPE);
    try {
      return { contentType: OPENMETRICS_CONTENT_TYPE, body: await this.registry.metrics() };
    } finally {
      this.switchable.setContentType(PROMETHEUS_CONTENT_TYPE);
      for (const [metric, name] of counterNames) (metric as { name: string }).name = name;
    }
  }
}
