import {
  PROBE,
  type Runtime,
  type StrategyName,
  strategy as strategyEntry,
} from '@looplab/contract';
import {
  type Attack,
  type AttackRequest,
  expectedRequests,
  runAttack,
  type VegetaBinary,
} from '../load/vegeta/index.js';
import type {
  Cell,
  LabCell,
  MetricsSample,
  RawStrategyRun,
  RequestRecord,
  Role,
  RunConfig,
  WorkloadKind,
} from '../model.js';
import { percentile, sortNumbers } from '../stats/percentiles.js';
import type { ClientKey, ClientMetrics } from './client-metrics.js';
import { MetricsSampler, type ScrapeReducer } from './metrics-sampler.js';
import { type Pinning, placementOf } from './pinning.js';
import { type QueueServices, startQueueServices } from './services/index.js';
import { type StallCursor, stallCursor, stallsSince } from './stall-fetch.js';
import { type AppUnderTest, ExternalApp, TargetAppProcess } from './target-app-process.js';
import { triggerRequest } from './trigger-request.js';

export { describeEnvironment } from './environment.js';

export interface LiveStatus {
  cell: Cell;
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
  /**
   * Stall attribution (default on); off, the apps started here run with LOOPLAB_ATTRIBUTION=off:
   * no CPU profile, their stalls still counted and listed, without stacks. Either way each
   * phase's stalls are fetched from the app's GET /looplab/stalls.
   */
  attribution?: boolean | undefined;
}

const LIVE_WINDOW_MS = 5000;
const ROLES: readonly Role[] = ['probe', 'trigger'];

/** What each role of a cell's phases sends, at which rate. */
export type CellLoad = Record<Role, AttackRequest & { ratePerS: number }>;

const keyOf = (cell: Cell): ClientKey => ({ target: cell.target, strategy: cell.strategy });

/** The app a cell drives, with whatever services its strategy needs (Redis and the queue worker). */
export interface CellApp {
  app: AppUnderTest;
  /** /metrics of the app, and of the queue worker when there is one. */
  metricsUrls: string[];
  /** What the phases send: the probe and the trigger (or a variant's requests). */
  load: CellLoad;
  /** How a scrape becomes a sample (default: looplab's own names, metrics/app-sample.ts). */
  reduceScrape?: ScrapeReducer;
  stop(): Promise<void>;
}

/** The probe (GET /ping) and the strategy's trigger, at the run's rates. */
export function labLoad(config: RunConfig, cell: LabCell, baseUrl: string): CellLoad {
  const trigger = triggerRequest(cell, config, baseUrl);
  return {
    probe: { url: `${baseUrl}${PROBE.route}`, method: PROBE.method, ratePerS: config.probeRate },
    trigger: { ...trigger, ratePerS: config.triggerRate },
  };
}

/** Probe and trigger attacks side by side, in the order of ROLES. */
function startLoad(
  ctx: StrategyRunContext,
  target: CellApp,
  cell: Cell,
  durationS: number,
  phaseStart: number,
): Attack[] {
  const attacks = ROLES.map((role) =>
    runAttack({
      ...target.load[role],
      vegeta: ctx.vegeta.path,
      role,
      durationS,
      timeoutS: ctx.config.timeoutS,
      phaseStart,
      cpuList: placementOf(ctx.pinning).load,
    }),
  );
  const metrics = ctx.clientMetrics;
  if (metrics)
    for (const attack of attacks) attack.onRecord((record) => metrics.record(keyOf(cell), record));
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
  cell: Cell,
  load: CellLoad,
  phase: 'warmup' | 'measure',
  durationS: number,
  attacks: Attack[],
  onTick: (elapsedS: number) => void,
): Promise<RequestRecord[][]> {
  const { clientMetrics } = ctx;
  const rateOf = (role: Role) => load[role].ratePerS;
  const started = Date.now();
  clientMetrics?.startPhase(keyOf(cell), phase, {
    probe: rateOf('probe'),
    trigger: rateOf('trigger'),
  });
  const ticker = setInterval(() => {
    const elapsedS = Math.min(durationS, (Date.now() - started) / 1000);
    ROLES.forEach((role, index) => {
      const scheduled = Math.floor(rateOf(role) * elapsedS);
      clientMetrics?.updateInFlight(
        keyOf(cell),
        role,
        scheduled,
        attacks[index]?.records.length ?? 0,
      );
    });
    onTick(elapsedS);
  }, 1000);
  try {
    const results = await awaitAttacks(attacks, ctx.signal);
    const dropped = (index: number) =>
      Math.max(
        0,
        expectedRequests(rateOf(ROLES[index] as Role), durationS) - (results[index]?.length ?? 0),
      );
    clientMetrics?.endPhase(keyOf(cell), phase, { probe: dropped(0), trigger: dropped(1) });
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

/**
 * A fresh app for a cell: started on the off-loop cores, its main thread (the event loop) then
 * moved to a core of its own once every pool worker and child exists; Redis and the queue worker
 * first when the strategy needs them (the contract's `needs`) and REDIS_URL does not name one.
 */
export async function startApp(ctx: StrategyRunContext, cell: LabCell): Promise<CellApp> {
  if (ctx.targetUrl) {
    const app = await ExternalApp.connect(ctx.targetUrl);
    return {
      app,
      metricsUrls: [`${app.url}/metrics`],
      load: labLoad(ctx.config, cell, app.url),
      stop: () => app.stop(),
    };
  }
  const placement = placementOf(ctx.pinning);
  let services: QueueServices | undefined;
  if (strategyEntry(cell.strategy).needs.includes('redis')) {
    services = await startQueueServices({
      repoRoot: ctx.repoRoot,
      cpus: placement.offLoop,
      workerEnv: { LOOPLAB_INSTRUMENTATION: cell.instrumentation },
    });
  }
  try {
    const app = await TargetAppProcess.start({
      repoRoot: ctx.repoRoot,
      runtime: cell.target,
      cpus: placement.offLoop,
      mainThreadCpus: placement.mainThread,
      env: appEnv(ctx, cell, services),
    });
    return {
      app,
      metricsUrls: [`${app.url}/metrics`, ...(services ? [`${services.worker.url}/metrics`] : [])],
      load: labLoad(ctx.config, cell, app.url),
      async stop() {
        await app.stop();
        await services?.stop();
      },
    };
  } catch (error) {
    await services?.stop();
    throw error;
  }
}

function appEnv(
  { config, attribution }: StrategyRunContext,
  cell: LabCell,
  services: QueueServices | undefined,
): Record<string, string> {
  return {
    LOOPLAB_POOL_SIZE: String(config.poolSize),
    // Sampled every second: a 2 s window sees every stall exactly once or twice.
    LOOPLAB_EVENT_LOOP_WINDOW_S: '2',
    LOOPLAB_DRAIN_TIMEOUT_MS: '2000',
    LOOPLAB_INSTRUMENTATION: cell.instrumentation,
    LOOPLAB_ATTRIBUTION: attribution === false ? 'off' : 'on',
    ...(services?.appEnv ?? {}),
  };
}

/**
 * The measured phase on an app that is already up: probe and trigger attacks side by side
 * for config.durationS, /metrics sampled every second, then the app's stalls numbered since
 * `cursor` (taken here when not given). Used by compare and by ramp.
 */
export async function measure(
  ctx: StrategyRunContext,
  target: CellApp,
  cell: Cell,
  status: (patch: Partial<LiveStatus>) => void,
  cursor?: StallCursor,
): Promise<RawStrategyRun> {
  const { config, signal } = ctx;
  const since = cursor ?? (await stallCursor(target.app.url));
  const phaseStart = Date.now();
  let lastSample: MetricsSample | undefined;
  const sampler = new MetricsSampler({
    metricsUrls: target.metricsUrls,
    strategy: cell.strategy,
    phaseStart,
    ...(target.reduceScrape ? { reduce: target.reduceScrape } : {}),
    onSample: (sample) => {
      lastSample = sample;
    },
  });
  sampler.start();
  const attacks = startLoad(ctx, target, cell, config.durationS, phaseStart);
  const load = target.load;
  const results = await runPhase(
    ctx,
    cell,
    load,
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
  const stalls = await stallsSince(target.app.url, since);
  if (signal.aborted) throw new Error('aborted');
  if (target.app.exited)
    throw new Error(
      `the target app died during the ${cell.strategy} run:\n${target.app.lastLines().join('\n')}`,
    );
  return {
    strategy: cell.strategy,
    target: cell.target,
    workload: cell.workload,
    instrumentation: cell.instrumentation,
    startedAt: new Date(phaseStart).toISOString(),
    elapsedMs,
    expected: {
      probe: expectedRequests(load.probe.ratePerS, config.durationS),
      trigger: expectedRequests(load.trigger.ratePerS, config.durationS),
    },
    requests: results.flat().sort((a, b) => a.t - b.t),
    samples,
    stalls,
  };
}

export function statusReporter(
  ctx: StrategyRunContext,
  cell: Cell,
): (patch: Partial<LiveStatus>) => void {
  return (patch) =>
    ctx.onStatus({
      cell,
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
  target: CellApp,
  cell: Cell,
  status: (patch: Partial<LiveStatus>) => void,
): Promise<void> {
  const { config } = ctx;
  if (config.warmupS <= 0) return;
  const warmup = startLoad(ctx, target, cell, config.warmupS, Date.now());
  await runPhase(ctx, cell, target.load, 'warmup', config.warmupS, warmup, (elapsedS) =>
    status({ phase: 'warm-up', elapsedS, totalS: config.warmupS }),
  );
  if (ctx.signal.aborted) throw new Error('aborted');
}

/**
 * One cell, start to finish: a fresh app (so no strategy inherits another's backlog or
 * heap), warm-up under the same load, then the measured phase.
 */
export async function runStrategy(ctx: StrategyRunContext, cell: LabCell): Promise<RawStrategyRun> {
  return runCell(ctx, cell, () => startApp(ctx, cell));
}

/** A cell on the app `start` gives: warm-up, the measured phase, then the app stopped. */
export async function runCell(
  ctx: StrategyRunContext,
  cell: Cell,
  start: () => Promise<CellApp>,
): Promise<RawStrategyRun> {
  const status = statusReporter(ctx, cell);
  status({ phase: 'starting' });
  const target = await start();
  try {
    // Asked before the warm-up: an app's first answer collects its profile since it started
    // (@looplab/instrument maps frames through source maps then), which is not the phase's cost.
    const cursor = await stallCursor(target.app.url);
    await warmUp(ctx, target, cell, status);
    const run = await measure(ctx, target, cell, status, cursor);
    status({ phase: 'stopping', elapsedS: ctx.config.durationS });
    return run;
  } finally {
    await target.stop();
  }
}

/** A node cell with the given workload and the app's default tracing (ramp). */
export function defaultCell(
  strategy: StrategyName,
  workload: WorkloadKind,
  target: Runtime = 'node',
): LabCell {
  return { target, strategy, workload, instrumentation: 'on' };
}
