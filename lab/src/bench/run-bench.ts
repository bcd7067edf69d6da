import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { METRICS, PROBE } from '@looplab/contract';
import { pinThisProcess } from '../process/taskset.js';
import { choosePinning, type Pinning } from '../run/pinning.js';
import { TargetAppProcess } from '../run/target-app-process.js';
import { findTool } from '../tools/index.js';
import { BareFastifyProcess } from './bare-fastify-process.js';
import { BENCH_SCHEMA, type BenchRun, type RoundResult } from './bench-run.js';
import { fixedRateLoad } from './fixed-rate-load.js';
import type { BenchLoad } from './load.js';
import { readServerClock, serverTimeBetween } from './server-clock.js';
import {
  compareNamed,
  costShares,
  goals,
  loadBoundWarnings,
  roundWarnings,
  SATURATED_BUSY,
  summarizeRounds,
} from './summarize.js';
import type { Variant } from './variants.js';
import { saturatingLoad } from './wrk-load.js';

export interface BenchOptions {
  repoRoot: string;
  runId: string;
  variants: Variant[];
  rounds: number;
  warmupS: number;
  durationS: number;
  connections: number;
  /** Fixed arrival rate (vegeta, open model) instead of wrk's saturating closed loop. */
  ratePerS?: number | undefined;
  timeoutS: number;
  pin: boolean;
  /** Every variant at once on the server core (see measureTogether) instead of in turn. */
  together: boolean;
  quick: boolean;
  log: (line: string) => void;
}

interface Server {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

function startServer(variant: Variant, options: BenchOptions, pinning: Pinning): Promise<Server> {
  if (variant.server === 'bare') return BareFastifyProcess.start(pinning.app);
  // TargetAppProcess passes only PATH and these on; OTEL_*/LOOPLAB_* of the shell never leak in.
  return TargetAppProcess.start({
    repoRoot: variant.repoRoot ?? options.repoRoot,
    cpus: pinning.app,
    env: { LOG_LEVEL: 'info', ...variant.env },
  });
}

async function checkPing(url: string): Promise<void> {
  const response = await fetch(`${url}${PROBE.route}`, { signal: AbortSignal.timeout(5_000) });
  if (response.status !== 200)
    throw new Error(`GET ${url}${PROBE.route} answered ${response.status}`);
}

/** Did the round store traces? Sampled /ping requests leave trace ids as exemplars. */
async function probeExemplarsHaveTraceIds(url: string): Promise<boolean> {
  const response = await fetch(`${url}/metrics`, {
    headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    signal: AbortSignal.timeout(5_000),
  });
  const bucket = `${METRICS.httpServerDuration.name}_bucket`;
  return (await response.text())
    .split('\n')
    .some(
      (line) =>
        line.startsWith(bucket) &&
        line.includes(`route="${PROBE.route}"`) &&
        line.includes('trace_id="'),
    );
}

/** Servers still running, stopped if the bench is interrupted (Ctrl-C, SIGTERM). */
const live = new Set<Server>();

function stopOnSignals(): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    void Promise.allSettled([...live].map((server) => server.stop())).then(() =>
      process.exit(signal === 'SIGINT' ? 130 : 143),
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** A started server whose /ping answered. */
async function startChecked(
  variant: Variant,
  options: BenchOptions,
  pinning: Pinning,
): Promise<Server> {
  const server = await startServer(variant, options, pinning);
  live.add(server);
  try {
    await checkPing(server.url);
  } catch (error) {
    await stopServer(server);
    throw error;
  }
  return server;
}

async function stopServer(server: Server): Promise<void> {
  await server.stop();
  live.delete(server);
}

async function warmUp(server: Server, options: BenchOptions, load: BenchLoad): Promise<void> {
  if (options.warmupS > 0) await load.run(`${server.url}${PROBE.route}`, options.warmupS);
}

/** The measured load on one warm server, with the server's clocks read around it. */
async function measure(
  variant: Variant,
  server: Server,
  round: number,
  options: BenchOptions,
  pinning: Pinning,
  load: BenchLoad,
): Promise<RoundResult> {
  const before = readServerClock(server.pid, pinning.app);
  const result = await load.run(`${server.url}${PROBE.route}`, options.durationS);
  const after = readServerClock(server.pid, pinning.app);
  const time =
    before === null || after === null ? null : serverTimeBetween(before, after, result.durationS);
  const busy = time?.busy ?? null;
  return {
    variant: variant.name,
    round,
    reqPerS: result.reqPerS,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    maxMs: result.maxMs,
    requests: result.requests,
    cpuUsPerReq: perRequestUs(time?.processCpuS, result.ok),
    mainCpuUsPerReq: perRequestUs(time?.mainCpuS, result.ok),
    busy,
    stealShare: time?.stealShare ?? null,
    saturated: load.saturating && busy !== null ? busy >= SATURATED_BUSY : null,
    loadAverage: loadavg()[0] ?? 0,
    tracesSeen: variant.server === 'app' ? await probeExemplarsHaveTraceIds(server.url) : null,
    problems: result.problems,
  };
}

/** One variant alone on the server core: a fresh server, a warm-up, the measured load. */
async function measureAlone(
  variant: Variant,
  round: number,
  options: BenchOptions,
  pinning: Pinning,
  load: BenchLoad,
): Promise<RoundResult> {
  const server = await startChecked(variant, options, pinning);
  try {
    await warmUp(server, options, load);
    return await measure(variant, server, round, options, pinning, load);
  } finally {
    await stopServer(server);
  }
}

/**
 * Every variant at once on the server core, one load generator each: the servers share the
 * core, so a swing of the VM's speed hits them all alike (`--together`).
 */
async function measureTogether(
  variants: readonly Variant[],
  round: number,
  options: BenchOptions,
  pinning: Pinning,
  load: BenchLoad,
): Promise<RoundResult[]> {
  const servers: Server[] = [];
  try {
    for (const variant of variants) servers.push(await startChecked(variant, options, pinning));
    await Promise.all(servers.map((server) => warmUp(server, options, load)));
    return await Promise.all(
      variants.map((variant, index) =>
        measure(variant, servers[index] as Server, round, options, pinning, load),
      ),
    );
  } finally {
    await Promise.all(servers.map(stopServer));
  }
}

const perRequestUs = (seconds: number | undefined, requests: number) =>
  seconds === undefined || requests === 0 ? null : (seconds * 1e6) / requests;

const pct = (value: number | null) => (value === null ? '–' : `${Math.round(value * 100)} %`);

/**
 * Each round runs every variant once, one after another (the order rotates so drift hits all
 * of them alike) or, with `together`, all at once.
 */
async function runRounds(
  options: BenchOptions,
  pinning: Pinning,
  load: BenchLoad,
  rounds: RoundResult[],
): Promise<void> {
  for (let round = 1; round <= options.rounds; round++) {
    const shift = (round - 1) % options.variants.length;
    const order = [...options.variants.slice(shift), ...options.variants.slice(0, shift)];
    const record = (result: RoundResult) => {
      options.log(
        `round ${round} ${result.variant.padEnd(14)} ${Math.round(result.reqPerS)} req/s, p99 ${result.p99Ms.toFixed(2)} ms, ${result.cpuUsPerReq?.toFixed(1) ?? '–'} µs CPU/req, busy ${pct(result.busy)}${result.saturated === false ? ' (NOT saturated)' : ''}, steal ${pct(result.stealShare)}, load ${result.loadAverage.toFixed(2)}`,
      );
      rounds.push(result);
    };
    if (options.together) {
      for (const result of await measureTogether(order, round, options, pinning, load)) {
        record(result);
      }
    } else {
      for (const variant of order)
        record(await measureAlone(variant, round, options, pinning, load));
    }
  }
}

/** wrk's saturating closed loop, or vegeta at a fixed rate with --rate. */
function loadFor(options: BenchOptions, pinning: Pinning): BenchLoad {
  const common = {
    connections: options.connections,
    timeoutS: options.timeoutS,
    cpus: pinning.load,
  };
  if (options.ratePerS === undefined) {
    return saturatingLoad({ ...common, wrk: findTool('wrk', { repoRoot: options.repoRoot }).path });
  }
  const vegeta = findTool('vegeta', { repoRoot: options.repoRoot }).path;
  return fixedRateLoad({ ...common, vegeta, ratePerS: options.ratePerS });
}

const loadAverages = () => loadavg().map((value) => Math.round(value * 100) / 100);

/** The whole bench: every variant in every round, each on a fresh pinned server. */
export async function runBench(options: BenchOptions): Promise<BenchRun> {
  if (!existsSync(join(options.repoRoot, 'target-app', 'dist', 'main.js'))) {
    throw new Error('target-app/dist/main.js is missing: run `npm run build` first');
  }
  const pinning = options.pin ? choosePinning() : { app: null, load: null };
  const load = loadFor(options, pinning);
  // The bench's own work (spawning, reading /proc) stays off the server's core.
  if (pinning.load !== null) await pinThisProcess(pinning.load);
  const startedAt = new Date().toISOString();
  const loadAtStart = loadAverages();
  const rounds: RoundResult[] = [];
  const release = stopOnSignals();
  try {
    await runRounds(options, pinning, load, rounds);
  } finally {
    release();
  }
  const summary = summarizeRounds(rounds, options.variants);
  const attribution = compareNamed(summary, rounds, 'default', 'no-attribution');
  return {
    schema: BENCH_SCHEMA,
    runId: options.runId,
    startedAt,
    finishedAt: new Date().toISOString(),
    settings: {
      variants: options.variants.map((variant) => variant.name),
      rounds: options.rounds,
      warmupS: options.warmupS,
      durationS: options.durationS,
      connections: options.connections,
      quick: options.quick,
      together: options.together,
      pinning,
      node: process.version,
      ratePerS: options.ratePerS ?? null,
      saturatedBusy: SATURATED_BUSY,
      load: load.describe,
    },
    rounds,
    summary,
    shares: costShares(summary),
    attribution,
    baseline: compareNamed(summary, rounds, 'before-default', 'before-off'),
    goals: goals(summary, attribution),
    loadAverage: { start: loadAtStart, end: loadAverages() },
    warnings: [...roundWarnings(rounds, options.variants), ...loadBoundWarnings(summary, rounds)],
  };
}
