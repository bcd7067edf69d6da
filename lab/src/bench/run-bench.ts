import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS, PROBE } from '@looplab/contract';
import { choosePinning, type Pinning } from '../run/pinning.js';
import { TargetAppProcess } from '../run/target-app-process.js';
import { findTool } from '../tools/index.js';
import { BareFastifyProcess } from './bare-fastify-process.js';
import { BENCH_SCHEMA, type BenchRun, type RoundResult } from './bench-run.js';
import { runClosedLoop } from './closed-loop-load.js';
import { mainThreadCpuSeconds } from './process-cpu.js';
import {
  costShares,
  goals,
  loadBoundWarnings,
  roundWarnings,
  summarizeRounds,
} from './summarize.js';
import type { Variant } from './variants.js';

export interface BenchOptions {
  repoRoot: string;
  runId: string;
  variants: Variant[];
  rounds: number;
  warmupS: number;
  durationS: number;
  connections: number;
  /** Fixed arrival rate instead of the closed loop. */
  ratePerS?: number | undefined;
  timeoutS: number;
  pin: boolean;
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

async function measureRound(
  variant: Variant,
  round: number,
  options: BenchOptions,
  pinning: Pinning,
  vegeta: string,
): Promise<RoundResult> {
  const server = await startServer(variant, options, pinning);
  live.add(server);
  try {
    await checkPing(server.url);
    const load = {
      vegeta,
      url: `${server.url}${PROBE.route}`,
      connections: options.connections,
      ratePerS: options.ratePerS,
      timeoutS: options.timeoutS,
      cpus: pinning.load,
    };
    if (options.warmupS > 0) await runClosedLoop({ ...load, durationS: options.warmupS });
    const cpuBefore = mainThreadCpuSeconds(server.pid);
    const result = await runClosedLoop({ ...load, durationS: options.durationS });
    const cpuAfter = mainThreadCpuSeconds(server.pid);
    const cpuUsPerReq =
      cpuBefore === null || cpuAfter === null || result.ok === 0
        ? null
        : ((cpuAfter - cpuBefore) * 1e6) / result.ok;
    return {
      variant: variant.name,
      round,
      reqPerS: result.reqPerS,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      maxMs: result.maxMs,
      requests: result.requests,
      cpuUsPerReq,
      tracesSeen: variant.server === 'app' ? await probeExemplarsHaveTraceIds(server.url) : null,
      problems: result.problems,
    };
  } finally {
    await server.stop();
    live.delete(server);
  }
}

/** Each round runs every variant once; the order rotates so drift hits all of them alike. */
async function runRounds(
  options: BenchOptions,
  pinning: Pinning,
  vegeta: string,
  rounds: RoundResult[],
): Promise<void> {
  for (let round = 1; round <= options.rounds; round++) {
    const shift = (round - 1) % options.variants.length;
    const order = [...options.variants.slice(shift), ...options.variants.slice(0, shift)];
    for (const variant of order) {
      const result = await measureRound(variant, round, options, pinning, vegeta);
      options.log(
        `round ${round} ${variant.name.padEnd(12)} ${Math.round(result.reqPerS)} req/s, p99 ${result.p99Ms.toFixed(2)} ms, ${result.cpuUsPerReq?.toFixed(1) ?? '–'} µs CPU/req`,
      );
      rounds.push(result);
    }
  }
}

/** The whole bench: every variant in every round, each on a fresh pinned server. */
export async function runBench(options: BenchOptions): Promise<BenchRun> {
  if (!existsSync(join(options.repoRoot, 'target-app', 'dist', 'main.js'))) {
    throw new Error('target-app/dist/main.js is missing: run `npm run build` first');
  }
  const vegeta = findTool('vegeta', { repoRoot: options.repoRoot }).path;
  const pinning = options.pin ? choosePinning() : { app: null, load: null };
  const startedAt = new Date().toISOString();
  const rounds: RoundResult[] = [];
  const release = stopOnSignals();
  try {
    await runRounds(options, pinning, vegeta, rounds);
  } finally {
    release();
  }
  const summary = summarizeRounds(rounds, options.variants);
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
      pinning,
      node: process.version,
      ratePerS: options.ratePerS ?? null,
      load:
        options.ratePerS === undefined
          ? `vegeta closed loop (-rate=0, ${options.connections} workers)`
          : `vegeta open model at ${options.ratePerS} req/s`,
    },
    rounds,
    summary,
    shares: costShares(summary),
    goals: goals(summary),
    warnings: [
      ...roundWarnings(rounds, options.variants),
      ...loadBoundWarnings(summary, options.ratePerS === undefined),
    ],
  };
}
