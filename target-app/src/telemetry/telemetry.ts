import { FastifyOtelInstrumentation } from '@fastify/otel';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';

const SDK_KEY = Symbol.for('looplab.telemetry.sdk');
type GlobalWithSdk = typeof globalThis & { [SDK_KEY]?: NodeSDK };

/**
 * Spans are always recorded (trace ids in logs, exemplars, task links) but only exported
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set; then the SDK builds the OTLP exporter from the
 * standard OTEL_* variables (protocol http/protobuf by default, http/json on request).
 * Without it nothing tries to connect anywhere.
 */
function spanProcessorsFor(env: NodeJS.ProcessEnv): SpanProcessor[] | undefined {
  return env.OTEL_EXPORTER_OTLP_ENDPOINT ? undefined : [new NoopSpanProcessor()];
}

function isScrape(url: string | undefined): boolean {
  return url === '/metrics' || (url?.startsWith('/metrics?') ?? false);
}

export function startTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  if (env.LOOPLAB_INSTRUMENTATION === 'off') return;
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || 'looplab-target-app',
    spanProcessors: spanProcessorsFor(env),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      // Scrapes arrive every second or so; tracing them would only bury the interesting traces.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => isScrape(request.url) }),
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        // One span per lifecycle hook (7+ per request) costs more than /ping itself.
        instrumentHooks: false,
        ignorePaths: ({ url }) => isScrape(url),
      }),
      // @opentelemetry/instrumentation-nestjs-core supports Nest < 12 only; the Fastify handler
      // span already names the Nest controller method ("handler - ProbeController.ping").
      new PinoInstrumentation({ disableLogSending: true }),
    ],
  });
  sdk.start();
  (globalThis as GlobalWithSdk)[SDK_KEY] = sdk;
}

/** Flushes pending spans; safe to call when telemetry never started. */
export async function shutdownTelemetry(): Promise<void> {
  await (globalThis as GlobalWithSdk)[SDK_KEY]?.shutdown();
}
