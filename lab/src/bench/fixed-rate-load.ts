import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertLoopbackUrl } from '../load/loopback.js';
import { pinned } from '../process/taskset.js';
import type { BenchLoad, LoadResult } from './load.js';
import { commandOutput } from './run-command.js';

export interface FixedRateOptions {
  vegeta: string;
  /** Requests per second, the same for every variant. */
  ratePerS: number;
  /** Workers vegeta starts with (it adds up to 10× as many when requests queue). */
  connections: number;
  timeoutS: number;
  /** taskset CPU list for vegeta; null: not pinned. */
  cpus: string | null;
}

/** The parts of `vegeta report -type=json` used here (latencies in nanoseconds). */
interface VegetaReport {
  requests: number;
  /** The attack's duration, ns. */
  duration: number;
  throughput: number;
  latencies: { '50th': number; '99th': number; max: number };
  status_codes: Record<string, number>;
  errors: string[] | null;
}

const NS_PER_MS = 1e6;

/**
 * The open model: vegeta sends a fixed number of requests per second whatever the server does,
 * so every variant does the same work per second below its capacity, and the question is
 * latency at a given load and CPU per request like for like (with fewer requests per loop
 * turn than at saturation, so each pays more of the per-wake-up costs). Not a capacity
 * measure: that is the saturating closed loop (wrk-load.ts).
 */
export function fixedRateLoad(options: FixedRateOptions): BenchLoad {
  return {
    describe: `vegeta open model at ${options.ratePerS} req/s (fixed rate, below saturation)`,
    saturating: false,
    run: (url, durationS) => attack(options, url, durationS),
  };
}

async function attack(options: FixedRateOptions, target: string, durationS: number) {
  const url = assertLoopbackUrl(target);
  const dir = mkdtempSync(join(tmpdir(), 'looplab-bench-'));
  const results = join(dir, 'results.bin');
  try {
    const [command, args] = pinned(options.cpus, options.vegeta, [
      'attack',
      `-rate=${options.ratePerS}/1s`,
      `-workers=${options.connections}`,
      `-max-workers=${options.connections * 10}`,
      `-duration=${durationS}s`,
      `-timeout=${options.timeoutS}s`,
      `-output=${results}`,
    ]);
    await commandOutput(command, args, `GET ${url}\n`);
    const report = JSON.parse(
      await commandOutput(options.vegeta, ['report', '-type=json', results]),
    ) as VegetaReport;
    return resultOf(report);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function resultOf(report: VegetaReport): LoadResult {
  const ok = Object.entries(report.status_codes)
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    requests: report.requests,
    ok,
    reqPerS: report.throughput,
    durationS: report.duration / 1e9,
    p50Ms: report.latencies['50th'] / NS_PER_MS,
    p99Ms: report.latencies['99th'] / NS_PER_MS,
    maxMs: report.latencies.max / NS_PER_MS,
    problems: [
      ...Object.entries(report.status_codes)
        .filter(([code]) => !code.startsWith('2'))
        .map(([code, count]) => `${count}× status ${code}`),
      ...new Set(report.errors ?? []),
    ],
  };
}
