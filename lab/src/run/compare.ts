import { availableParallelism, cpus, hostname, totalmem } from 'node:os';
import {
  type Attack,
  expectedRequests,
  runAttack,
  type VegetaBinary,
} from '../load/vegeta/index.js';
import type {
  Environment,
  MetricsSample,
  RawStrategyRun,
  RequestRecord,
  Role,
  RunConfig,
  Strategy,
} from '../model.js';
import { MetricsSampler } from '../sources/local/metrics-sampler.js';
import { percentile, sortNumbers } from '../stats/percentiles.js';
import type { ClientMetrics } from './client-metrics.js';
import type { Pinning } from './pinning.js';
import { type AppUnderTest, ExternalApp, TargetAppProcess } from './target-app-process.js';

export interface LiveStatus {
  strategy: Strategy;
  phase: 'starting' | 'warm-up' | 'measuring' | 'stopping';
  elapsedS: number;
  totalS: number;
  /** Client-side p99 of the probes answered in the last 5 s. */
  probeP99Ms: number;
  /** Largest event-loop delay in the latest scrape's window. */
  lagMaxMs: number;
  tasksDone: number;
  errors: number;
}

export interface StrategyRunContext {
  repoRoot: string;
  config: RunConfig;
  vegeta: VegetaBinary;
  pinning: Pinning;
  signal: AbortSignal;
  onStatus: (status: LiveStatus) => void;
  /** Exports client-side metrics for Prometheus while the run goes on (--metrics-port). */
  clientMetrics?: ClientMetrics | undefined;
  /** Drive an app that is already running (compose) instead of starting one per strategy. */
  targetUrl?: string | undefined;
}

const LIVE_WINDOW_MS = 5000;
const ROLES: readonly Role[] = ['probe', 'trigger'];

export function describeEnvironment(vegeta: VegetaBinary, pinning: Pinning): Environment {
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadGenerator: { name: 'vegeta', version: vegeta.version },
    pinning,
    hostname: hostname(),
  };
}

/** What the trigger scenario sends for each strategy: the same workload, three ways. */
function triggerRequest(
  strategy: Strategy,
  config: RunConfig,
  baseUrl: string,
): { url: string; body?: unknown } {
  if (strategy === 'async') return { url: `${baseUrl}/async?ms=${config.workloadMs}` };
  return {
    url: `${baseUrl}/background/${strategy}`,
    body: { workload: config.workload, ms: config.workloadMs },
  };
}

function rateOf(config: RunConfig, role: Role): number {
  return role === 'probe' ? config.probeRate : config.triggerRate;
}

/** Probe and trigger attacks side by side, in the order of ROLES. */
function startLoad(
  ctx: StrategyRunContext,
  app: AppUnderTest,
  strategy: Strategy,
  durationS: number,
  phaseStart: number,
): Attack[] {
  const trigger = triggerRequest(strategy, ctx.config, app.url);
  const attacks = ROLES.map((role) =>
    runAttack({
      vegeta: ctx.vegeta.path,
      role,
      url: role === 'probe' ? `${app.url}/ping` : trigger.url,
      body: role === 'probe' ? undefined : trigger.body,
      ratePerS: rateOf(ctx.config, role),
      durationS,
      timeoutS: ctx.config.timeoutS,
      phaseStart,
      cpuList: ctx.pinning.load,
    }),
  );
  const metrics = ctx.clientMetrics;
  if (metrics)
    for (const attack of attacks) attack.onRecord((record) => metrics.record(strategy, record));
  return attacks;
}

/** Runs attacks to completion, or stops them when the run is aborted (Ctrl-C). */
async function awaitAttacks(attacks: Attack[], signal: AbortSignal): Promise<RequestRecord[][]> {
  const onAbort = () => void Promise.all(attacks.map((attack) => attack.stop()));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.all(attacks.map((attack) => attack.done));
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** One phase (warm-up or measure): the attacks, a 1 s ticker, and the client metrics' phase marker. */
async function runPhase(
  ctx: StrategyRunContext,
  strategy: Strategy,
  phase: 'warmup' | 'measure',
  durationS: number,
  attacks: Attack[],
  onTick: (elapsedS: number) => void,
): Promise<RequestRecord[][]> {
  const { config, clientMetrics } = ctx;
  const started = Date.now();
  clientMetrics?.startPhase(strategy, phase, {
    probe: config.probeRate,
    trigger: config.triggerRate,
  });
  const ticker = setInterval(() => {
    const elapsedS = Math.min(durationS, (Date.now() - started) / 1000);
    ROLES.forEach((role, index) => {
      const scheduled = Math.floor(rateOf(config, role) * elapsedS);
      clientMetrics?.updateInFlight(strategy, role, scheduled, attacks[index]?.records.length ?? 0);
    });
    onTick(elapsedS);
  }, 1000);
  try {
    const results = await awaitAttacks(attacks, ctx.signal);
    const dropped = (index: number) =>
      Math.max(
        0,
        expectedRequests(rateOf(config, ROLES[index] as Role), durationS) -
          (results[index]?.length ?? 0),
      );
    clientMetrics?.endPhase(strategy, phase, { probe: dropped(0), trigger: dropped(1) });
    return results;
  } finally {
    clearInterval(ticker);
  }
}

function liveProbeP99(records: RequestRecord[], nowT: number): number {
  const recent = records.filter(
    (record) => record.role === 'probe' && record.t + record.latencyMs >= nowT - LIVE_WINDOW_MS,
  );
  return percentile(sortNumbers(recent.map((record) => record.latencyMs)), 0.99);
}

export function startApp(ctx: StrategyRunContext): Promise<AppUnderTest> {
  if (ctx.targetUrl) return ExternalApp.connect(ctx.targetUrl);
  return TargetAppProcess.start({
    repoRoot: ctx.repoRoot,
    cpus: ctx.pinning.app,
    env: {
      LOOPLAB_POOL_SIZE: String(ctx.config.poolSize),
      // Sampled every second: a 2 s window sees every stall exactly once or twice.
      LOOPLAB_EVENT_LOOP_WINDOW_S: '2',
      LOOPLAB_DRAIN_TIMEOUT_MS: '2000',
    },
  });
}

/**
 * The measured phase on an app that is already up: probe and trigger attacks side by side
 * for config.durationS, /metrics sampled every second. Used by compare and by ramp.
 */
export async function measure(
  ctx: StrategyRunContext,
  app: AppUnderTest,
  strategy: Strategy,
  status: (patch: Partial<LiveStatus>) => void,
): Promise<RawStrategyRun> {
  const { config, signal } = ctx;
  const phaseStart = Date.now();
  let lastSample: MetricsSample | undefined;
  const sampler = new MetricsSampler({
    metricsUrl: `${app.url}/metrics`,
    strategy,
    phaseStart,
    onSample: (sample) => {
      lastSample = sample;
    },
  });
  sampler.start();
  const attacks = startLoad(ctx, app, strategy, config.durationS, phaseStart);
  const results = await runPhase(
    ctx,
    strategy,
    'measure',
    config.durationS,
    attacks,
    (elapsedS) => {
      const records = attacks.flatMap((attack) => attack.records);
      status({
        phase: 'measuring',
        elapsedS,
        probeP99Ms: liveProbeP99(records, Date.now() - phaseStart),
        lagMaxMs: lastSample?.lagWindowMaxMs ?? Number.NaN,
        tasksDone: lastSample?.tasksDone ?? 0,
        errors: records.filter((record) => record.status === 0 || record.status >= 500).length,
      });
    },
  );
  const elapsedMs = Date.now() - phaseStart;
  const samples = await sampler.stop();
  if (signal.aborted) throw new Error('aborted');
  if (app.exited)
    throw new Error(
      `the target app died during the ${strategy} run:\n${app.lastLines().join('\n')}`,
    );
  return {
    strategy,
    startedAt: new Date(phaseStart).toISOString(),
    elapsedMs,
    expected: {
      probe: expectedRequests(config.probeRate, config.durationS),
      trigger: expectedRequests(config.triggerRate, config.durationS),
    },
    requests: results.flat().sort((a, b) => a.t - b.t),
    samples,
  };
}

export function statusReporter(
  ctx: StrategyRunContext,
  strategy: Strategy,
): (patch: Partial<LiveStatus>) => void {
  return (patch) =>
    ctx.onStatus({
      strategy,
      phase: 'starting',
      elapsedS: 0,
      totalS: ctx.config.durationS,
      probeP99Ms: Number.NaN,
      lagMaxMs: Number.NaN,
      tasksDone: 0,
      errors: 0,
      ...patch,
    });
}

/** Warm-up under the same load as the measured phase; nothing is recorded. */
export async function warmUp(
  ctx: StrategyRunContext,
  app: AppUnderTest,
  strategy: Strategy,
  status: (patch: Partial<LiveStatus>) => void,
): Promise<void> {
  const { config } = ctx;
  if (config.warmupS <= 0) return;
  const warmup = startLoad(ctx, app, strategy, config.warmupS, Date.now());
  await runPhase(ctx, strategy, 'warmup', config.warmupS, warmup, (elapsedS) =>
    status({ phase: 'warm-up', elapsedS, totalS: config.warmupS }),
  );
  if (ctx.signal.aborted) throw new Error('aborted');
}

/**
 * One strategy, start to finish: a fresh app (so no strategy inherits another's backlog or
 * heap), warm-up under the same load, then the measured phase.
 */
export async function runStrategy(
  ctx: StrategyRunContext,
  strategy: Strategy,
): Promise<RawStrategyRun> {
  const status = statusReporter(ctx, strategy);
  status({ phase: 'starting' });
  const app = await startApp(ctx);
  try {
    await warmUp(ctx, app, strategy, status);
    const run = await measure(ctx, app, strategy, status);
    status({ phase: 'stopping', elapsedS: ctx.config.durationS });
    return run;
  } finally {
    await app.stop();
  }
}
