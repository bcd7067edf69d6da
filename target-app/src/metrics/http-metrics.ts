import { trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS_SECONDS } from './buckets.js';

const STRATEGY_BY_ROUTE: Record<string, string> = {
  '/async': 'async',
  '/background/blocking': 'blocking',
  '/background/pooled': 'pooled',
};

/**
 * Server-side request duration. It starts when the loop picks the request up, so it
 * misses time spent in the socket backlog while the loop was blocked: the client-side
 * latency (k6) is the ground truth for "other requests waited".
 */
export class HttpMetrics {
  private readonly duration: Histogram<'route' | 'method' | 'status_code' | 'strategy'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Server-side HTTP request duration, from the loop picking the request up to the response being sent.',
      labelNames: ['route', 'method', 'status_code', 'strategy'],
      buckets: LATENCY_BUCKETS_SECONDS,
      enableExemplars: true,
      // Exemplars need an OpenMetrics registry at construction; the app's registry renders both formats.
      registers: [],
    });
    registry.registerMetric(this.duration);
  }

  install(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      this.observe(request, reply);
      done();
    });
  }

  private observe(request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = {
      route,
      method: request.method,
      status_code: String(reply.statusCode),
      strategy: STRATEGY_BY_ROUTE[route] ?? 'none',
    };
    const spanContext = trace.getActiveSpan()?.spanContext();
    this.duration.observe({
      labels,
      value: reply.elapsedTime / 1000,
      // prom-client types exemplar labels as the metric's own label names; they are free-form.
      exemplarLabels: (spanContext
        ? { trace_id: spanContext.traceId, span_id: spanContext.spanId }
        : {}) as Record<string, string>,
    });
  }
}
