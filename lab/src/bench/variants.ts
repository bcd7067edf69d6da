/**
 * What the bench compares, side by side in one run. `bare` is Fastify alone; the others are the
 * target app with an environment that switches its instrumentation (target-app/src/telemetry).
 */
export interface Variant {
  name: string;
  /** `bare`: bench/bare-fastify.ts; `app`: the built target app. */
  server: 'bare' | 'app';
  env: Record<string, string>;
  /** Whether the variant stores traces, so /ping exemplars must (or must not) show up. */
  traced: boolean;
  describe: string;
  /** Another checkout whose built target app to run (--baseline); default: this one. */
  repoRoot?: string;
}

export const VARIANTS: readonly Variant[] = [
  {
    name: 'bare',
    server: 'bare',
    env: {},
    traced: false,
    describe: 'Fastify alone answering /ping: no Nest, no metrics, no OpenTelemetry',
  },
  {
    name: 'off',
    server: 'app',
    env: { LOOPLAB_INSTRUMENTATION: 'off' },
    traced: false,
    describe:
      'the app with the OpenTelemetry SDK not started (prom-client metrics and stall attribution as by default)',
  },
  {
    name: 'default',
    server: 'app',
    env: {},
    traced: true,
    describe:
      "the app's default: looplab's server span source + pino trace ids, parent-based ratio sampling, stall attribution on",
  },
  {
    name: 'no-attribution',
    server: 'app',
    env: { LOOPLAB_ATTRIBUTION: 'off' },
    traced: true,
    describe:
      'the default with stall attribution off (LOOPLAB_ATTRIBUTION=off: no CPU profiler; stalls still counted)',
  },
  {
    name: 'attribution-10ms',
    server: 'app',
    env: { LOOPLAB_PROFILE_INTERVAL_MS: '10' },
    traced: true,
    describe:
      'the default with the profiler sampling every 10 ms (the default before 2026-12-03: twice the samples, twice their cost)',
  },
  {
    name: 'always-on',
    server: 'app',
    env: { OTEL_TRACES_SAMPLER: 'always_on' },
    traced: true,
    describe: 'the default span source with every request sampled (OTEL_TRACES_SAMPLER=always_on)',
  },
  {
    name: 'pino-only',
    server: 'app',
    env: { LOOPLAB_TRACE_INSTRUMENTATIONS: 'pino' },
    traced: false,
    describe:
      'the SDK started with pino trace ids only: no span source (the context part of the cost)',
  },
  {
    name: 'spans-only',
    server: 'app',
    env: { LOOPLAB_TRACE_INSTRUMENTATIONS: 'server' },
    traced: true,
    describe:
      'the default span source without the pino instrumentation (the span part of the cost)',
  },
  {
    name: 'fastify-otel',
    server: 'app',
    env: { LOOPLAB_TRACE_INSTRUMENTATIONS: 'fastify,pino' },
    traced: true,
    describe: '@fastify/otel instead of the own span source, default sampling',
  },
  {
    name: 'http',
    server: 'app',
    env: { LOOPLAB_TRACE_INSTRUMENTATIONS: 'http,pino' },
    traced: true,
    describe:
      '@opentelemetry/instrumentation-http instead of the own span source, default sampling',
  },
  {
    name: 'stock-all',
    server: 'app',
    env: { LOOPLAB_TRACE_INSTRUMENTATIONS: 'http,fastify,pino', OTEL_TRACES_SAMPLER: 'always_on' },
    traced: true,
    describe: 'the previous default: http + @fastify/otel + pino, every request sampled',
  },
];

export const VARIANT_NAMES = VARIANTS.map((variant) => variant.name);
export const DEFAULT_VARIANTS = [
  'bare',
  'off',
  'default',
  'no-attribution',
  'always-on',
  'fastify-otel',
  'http',
];
export const QUICK_VARIANTS = ['bare', 'off', 'default', 'no-attribution', 'fastify-otel'];

export function variantsNamed(names: readonly string[]): Variant[] {
  return names.map((name) => {
    const variant = VARIANTS.find((candidate) => candidate.name === name);
    if (!variant)
      throw new Error(`unknown bench variant ${name} (known: ${VARIANT_NAMES.join(', ')})`);
    return variant;
  });
}

/**
 * The app of another checkout (an earlier commit, built) with tracing off and with its own
 * default, measured in the same run as this one: before/after a change without the machine's
 * drift between two runs.
 */
export function baselineVariants(repoRoot: string): Variant[] {
  return [
    {
      name: 'before-off',
      server: 'app',
      env: { LOOPLAB_INSTRUMENTATION: 'off' },
      traced: false,
      describe: `the app of ${repoRoot} with the OpenTelemetry SDK not started`,
      repoRoot,
    },
    {
      name: 'before-default',
      server: 'app',
      env: {},
      traced: true,
      describe: `the app of ${repoRoot} with its own default instrumentation`,
      repoRoot,
    },
  ];
}
