import { availableParallelism, cpus, hostname, totalmem } from 'node:os';
import { type Attack, expectedRequests, runAttack, type VegetaBinary } from '../load/vegeta.js';
import type {
  Environment,
  MetricsSample,
  RawStrategyRun,
  RequestRecord,
  RunConfig,
  Strategy,
} from '../model.js';
import { percentile, sortNumbers } from '../stats/percentiles.js';
import { MetricsSampler } from './metrics-sampler.js';
import type { Pinning } from './pinning.js';
import { TargetAppProcess } from './target-app-process.js';

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
}

const LIVE_WINDOW_MS = 5000;

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

function startLoad(
  ctx: StrategyRunContext,
  app: TargetAppProcess,
  strategy: Strategy,
  durationS: number,
  phaseStart: number,
): Attack[] {
  const common = {
    vegeta: ctx.vegeta.path,
    durationS,
    timeoutS: ctx.config.timeoutS,
    phaseStart,
    cpuList: ctx.pinning.load,
  };
  const trigger = triggerRequest(strategy, ctx.config, app.url);
  return [
    runAttack({ ...common, role: 'probe', url: `${app.url}/ping`, ratePerS: ctx.config.probeRate }),
    runAttack({
      ...common,
      role: 'trigger',
      url: trigger.url,
      body: trigger.body,
      ratePerS: ctx.config.triggerRate,
    }),
  ];
}

async function stopAll(attacks: Attack[]): Promise<void> {
  await Promise.all(attacks.map((attack) => attack.stop()));
}

/** Runs attacks to completion, or stops them when the run is aborted (Ctrl-C). */
async function awaitAttacks(attacks: Attack[], signal: AbortSignal): Promise<RequestRecord[][]> {
  const onAbort = () => void stopAll(attacks);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.all(attacks.map((attack) => attack.done));
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function liveProbeP99(records: RequestRecord[], nowT: number): number {
  const recent = records.filter(
    (record) => record.role === 'probe' && record.t + record.latencyMs >= nowT - LIVE_WINDOW_MS,
  );
  return percentile(sortNumbers(recent.map((record) => record.latencyMs)), 0.99);
}

/**
 * One strategy, start to finish: a fresh app (so no strategy inherits another's backlog or
 * heap), warm-up under the same load, then the measured phase with /metrics sampled every second.
 */
export async function runStrategy(
  ctx: StrategyRunContext,
  strategy: Strategy,
): Promise<RawStrategyRun> {
  const { config, signal } = ctx;
  const status = (patch: Partial<LiveStatus>) =>
    ctx.onStatus({
      strategy,
      phase: 'starting',
      elapsedS: 0,
      totalS: config.durationS,
      probeP99Ms: Number.NaN,
      lagMaxMs: Number.NaN,
      tasksDone: 0,
      errors: 0,
      ...patch,
    });
  status({ phase: 'starting' });
  const app = await TargetAppProcess.start({
    repoRoot: ctx.repoRoot,
    cpus: ctx.pinning.app,
    env: {
      LOOPLAB_POOL_SIZE: String(config.poolSize),
      // Sampled every second: a 2 s window sees every stall exactly once or twice.
      LOOPLAB_EVENT_LOOP_WINDOW_S: '2',
      LOOPLAB_DRAIN_TIMEOUT_MS: '2000',
    },
  });
  try {
    if (config.warmupS > 0) {
      const warmStart = Date.now();
      const warmup = startLoad(ctx, app, strategy, config.warmupS, warmStart);
      const ticker = setInterval(
        () =>
          status({
            phase: 'warm-up',
            elapsedS: (Date.now() - warmStart) / 1000,
            totalS: config.warmupS,
          }),
        1000,
      );
      try {
        await awaitAttacks(warmup, signal);
      } finally {
        clearInterval(ticker);
      }
    }
    if (signal.aborted) throw new Error('aborted');

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
    const ticker = setInterval(() => {
      const records = attacks.flatMap((attack) => attack.records);
      status({
        phase: 'measuring',
        elapsedS: (Date.now() - phaseStart) / 1000,
        probeP99Ms: liveProbeP99(records, Date.now() - phaseStart),
        lagMaxMs: lastSample?.lagWindowMaxMs ?? Number.NaN,
        tasksDone: lastSample?.tasksDone ?? 0,
        errors: records.filter((record) => record.status === 0 || record.status >= 500).length,
      });
    }, 1000);
    let results: RequestRecord[][];
    try {
      results = await awaitAttacks(attacks, signal);
    } finally {
      clearInterval(ticker);
    }
    const elapsedMs = Date.now() - phaseStart;
    const samples = await sampler.stop();
    if (signal.aborted) throw new Error('aborted');
    if (app.exited)
      throw new Error(
        `the target app died during the ${strategy} run:\n${app.lastLines().join('\n')}`,
      );
    status({ phase: 'stopping', elapsedS: config.durationS });
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
  } finally {
    await app.stop();
  }
}
