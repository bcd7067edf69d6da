import { FastifyOtelInstrumentation } from '@fastify/otel';
import { trace } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { PresetDecisionSampler, rootSamplingFromEnv, samplerFromEnv } from './sampler.js';
import { SERVER_TRACER_NAME, traceFastifyServers } from './server-spans.js';
import { PooledIdGenerator } from './trace-ids.js';
import { tracerParts } from './tracer-parts.js';

const SDK_KEY = Symbol.for('looplab.telemetry.sdk');
type GlobalWithSdk = typeof globalThis & { [SDK_KEY]?: NodeSDK };

/**
 * Sampled spans are recorded (exemplars, task links) but only exported when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; then the SDK builds the OTLP exporter from the
 * standard OTEL_* variables (protocol http/protobuf by default, http/json on request).
 * Without it nothing tries to connect anywhere.
 */
function spanProcessorsFor(env: NodeJS.ProcessEnv): SpanProcessor[] | undefined {
  return env.OTEL_EXPORTER_OTLP_ENDPOINT ? undefined : [new NoopSpanProcessor()];
}

function isScrape(url: string | undefined): boolean {
  return url === '/metrics' || (url?.startsWith('/metrics?') ?? false);
}

/**
 * What LOOPLAB_TRACE_INSTRUMENTATIONS can load. `server` (looplab's own span source, one
 * Fastify hook pair) and `pino` (trace ids in log lines) are the default; `http` and
 * `fastify` are the stock OpenTelemetry instrumentations, kept to measure them against it
 * (each costs tens of percent of /ping throughput: docs/instrumentation.md).
 */
const INSTRUMENTATIONS = {
  server: () => undefined,
  http: () =>
    new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => isScrape(request.url) }),
  fastify: () =>
    new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      // One span per lifecycle hook (7+ per request) costs more than /ping itself.
      instrumentHooks: false,
      ignorePaths: ({ url }) => isScrape(url),
    }),
  pino: () => new PinoInstrumentation({ disableLogSending: true }),
};
export type InstrumentationName = keyof typeof INSTRUMENTATIONS;
export const INSTRUMENTATION_NAMES = Object.keys(INSTRUMENTATIONS) as InstrumentationName[];
export const DEFAULT_INSTRUMENTATIONS: InstrumentationName[] = ['server', 'pino'];

/**
 * LOOPLAB_TRACE_INSTRUMENTATIONS (comma-separated, default server,pino) picks what is
 * instrumented, so the cost of each can be measured. Checked here because this runs before
 * the app's config.
 */
export function instrumentationsFrom(value: string | undefined): InstrumentationName[] {
  if (value === undefined || value.trim() === '') return DEFAULT_INSTRUMENTATIONS;
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(name in INSTRUMENTATIONS));
  if (unknown.length > 0) {
    throw new Error(
      `LOOPLAB_TRACE_INSTRUMENTATIONS=${JSON.stringify(value)}: unknown ${unknown.join(', ')} (known: ${INSTRUMENTATION_NAMES.join(', ')})`,
    );
  }
  return [...new Set(names as InstrumentationName[])];
}

/** What a test may replace: where spans go (an in-memory exporter instead of OTLP). */
export interface TelemetryOverrides {
  spanProcessors?: SpanProcessor[];
}

export function startTelemetry(
  env: NodeJS.ProcessEnv = process.env,
  overrides: TelemetryOverrides = {},
): void {
  if (env.LOOPLAB_INSTRUMENTATION === 'off') return;
  const names = instrumentationsFrom(env.LOOPLAB_TRACE_INSTRUMENTATIONS);
  const sampler = new PresetDecisionSampler(samplerFromEnv(env));
  const ids = new PooledIdGenerator();
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || 'looplab-target-app',
    sampler,
    idGenerator: ids,
    spanProcessors: overrides.spanProcessors ?? spanProcessorsFor(env),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: names
      .map((name) => INSTRUMENTATIONS[name]())
      .filter((instrumentation) => instrumentation !== undefined),
  });
  sdk.start();
  // After start, so the tracer is the SDK's own rather than a proxy in front of it.
  if (names.includes('server')) {
    const tracer = trace.getTracer(SERVER_TRACER_NAME);
    traceFastifyServers({
      tracer,
      sampler,
      ids,
      rootSampling: rootSamplingFromEnv(env),
      recording: tracerParts(tracer),
    });
  }
  (globalThis as GlobalWithSdk)[SDK_KEY] = sdk;
}

/** Flushes pending spans; safe to call when telemetry never started. */
export async function shutdownTelemetry(): Promise<void> {
  await (globalThis as GlobalWithSdk)[SDK_KEY]?.shutdown();
}
