import { METRICS, strategyOfRoute } from '@looplab/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { Histogram, type Registry } from 'prom-client';
import { sampledSpanContext } from '../telemetry/request-span.js';
import { fromContract } from './prom.js';

export const UNMATCHED_ROUTE = 'unmatched';

type LabelName = 'route' | 'method' | 'status_code' | 'strategy';
type Labels = Record<LabelName, string>;

/** One label set and its bound prom-client child, made on first use and kept. */
interface Series {
  labels: Labels;
  child: Histogram.Internal<LabelName>;
}

/**
 * The series of one route and method, one per status code seen. A request looks its series
 * up by status (a small Map) instead of building and hashing a label object every time.
 */
export class RouteSeries {
  private readonly byStatus = new Map<number, Series>();

  constructor(
    private readonly histogram: Histogram<LabelName>,
    private readonly route: string,
    private readonly method: string,
  ) {}

  observe(request: FastifyRequest, statusCode: number, seconds: number): void {
    let series = this.byStatus.get(statusCode);
    if (series === undefined) {
      const labels: Labels = {
        route: this.route,
        method: this.method,
        status_code: String(statusCode),
        strategy: strategyOfRoute(this.route) ?? 'none',
      };
      series = { labels, child: this.histogram.labels(labels) };
      this.byStatus.set(statusCode, series);
    }
    const spanContext = sampledSpanContext(request);
    if (spanContext === undefined) {
      series.child.observe(seconds);
      return;
    }
    // Only a stored (sampled) trace makes a useful exemplar.
    this.histogram.observe({
      labels: series.labels,
      value: seconds,
      // prom-client types exemplar labels as the metric's own label names; they are free-form.
      exemplarLabels: { trace_id: spanContext.traceId, span_id: spanContext.spanId } as Record<
        string,
        string
      >,
    });
  }
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Server-side request duration. It starts when the loop picks the request up, so it
 * misses time spent in the socket backlog while the loop was blocked: the client-side
 * latency is the ground truth for "other requests waited".
 */
export class HttpMetrics {
  private readonly duration: Histogram<LabelName>;
  private readonly unmatched = new Map<string, RouteSeries>();

  constructor(registry: Registry) {
    this.duration = new Histogram({
      ...fromContract<LabelName>(METRICS.httpServerDuration),
      enableExemplars: true,
      // Exemplars need an OpenMetrics registry at construction; the app's registry renders both formats.
      registers: [],
    });
    registry.registerMetric(this.duration);
  }

  /**
   * Gives every route registered from now on its own onResponse hook and series (so install
   * before the routes: Nest registers them in listen/init); requests that match no route are
   * counted by one root hook.
   */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (routeOptions) => this.measureRoute(routeOptions));
    fastify.addHook('onResponse', (request, reply, done) => {
      if (request.is404) {
        this.unmatchedSeries(request.method).observe(request, reply.statusCode, secondsOf(reply));
      }
      done();
    });
  }

  private measureRoute(routeOptions: RouteOptions): void {
    const perMethod = new Map(
      asArray(routeOptions.method).map((method) => [
        method,
        new RouteSeries(this.duration, routeOptions.url, method),
      ]),
    );
    const onResponse = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      perMethod.get(request.method)?.observe(request, reply.statusCode, secondsOf(reply));
      done();
    };
    const options = routeOptions as unknown as Record<string, unknown[] | undefined>;
    options.onResponse = [...asArray(routeOptions.onResponse), onResponse];
  }

  private unmatchedSeries(method: string): RouteSeries {
    let series = this.unmatched.get(method);
    if (series === undefined) {
      series = new RouteSeries(this.duration, UNMATCHED_ROUTE, method);
      this.unmatched.set(method, series);
    }
    return series;
  }
}

const secondsOf = (reply: FastifyReply) => reply.elapsedTime / 1000;
