import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertLoopbackUrl } from '../load/loopback.js';
import { pinned } from '../process/taskset.js';

export interface ClosedLoopOptions {
  vegeta: string;
  url: string;
  /** Concurrent connections, each sending its next request as soon as the last one is answered. */
  connections: number;
  /**
   * A fixed arrival rate instead of the closed loop (open model, up to 10× as many connections):
   * every variant then does the same work per second, and CPU per request and p99 compare
   * like for like even when the machine is too busy for a clean maximum.
   */
  ratePerS?: number | undefined;
  durationS: number;
  timeoutS: number;
  /** taskset CPU list for vegeta; null: not pinned. */
  cpus: string | null;
}

export interface LoadResult {
  requests: number;
  ok: number;
  /** Successful requests per second. */
  reqPerS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Distinct error messages and non-2xx codes, empty when every request succeeded. */
  problems: string[];
}

/** The parts of `vegeta report -type=json` used here (latencies in nanoseconds). */
interface VegetaReport {
  requests: number;
  throughput: number;
  success: number;
  latencies: { '50th': number; '99th': number; max: number };
  status_codes: Record<string, number>;
  errors: string[] | null;
}

const NS_PER_MS = 1e6;

async function run(command: string, args: string[], input?: string): Promise<string> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.end(input ?? '');
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${code}): ${stderr.trim()}`);
  return stdout;
}

/**
 * Maximum throughput: vegeta with an unbounded rate and a fixed number of workers, i.e. a
 * closed loop of `connections` keep-alive connections (the bench's question is "how many
 * requests per second can the app answer", not "how late are they at a given rate"); or,
 * with ratePerS, the same work at a fixed rate for every variant.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<LoadResult> {
  const url = assertLoopbackUrl(options.url);
  const dir = mkdtempSync(join(tmpdir(), 'looplab-bench-'));
  const results = join(dir, 'results.bin');
  try {
    const rate = options.ratePerS === undefined ? ['-rate=0'] : [`-rate=${options.ratePerS}/1s`];
    const maxWorkers = options.connections * (options.ratePerS === undefined ? 1 : 10);
    const [command, args] = pinned(options.cpus, options.vegeta, [
      'attack',
      ...rate,
      `-workers=${options.connections}`,
      `-max-workers=${maxWorkers}`,
      `-duration=${options.durationS}s`,
      `-timeout=${options.timeoutS}s`,
      `-output=${results}`,
    ]);
    await run(command, args, `GET ${url}\n`);
    const report = JSON.parse(
      await run(options.vegeta, ['report', '-type=json', results]),
    ) as VegetaReport;
    const ok = Object.entries(report.status_codes)
      .filter(([code]) => code.startsWith('2'))
      .reduce((sum, [, count]) => sum + count, 0);
    const problems = [
      ...Object.entries(report.status_codes)
        .filter(([code]) => !code.startsWith('2'))
        .map(([code, count]) => `${count}× status ${code}`),
      ...new Set(report.errors ?? []),
    ];
    return {
      requests: report.requests,
      ok,
      reqPerS: report.throughput,
      p50Ms: report.latencies['50th'] / NS_PER_MS,
      p99Ms: report.latencies['99th'] / NS_PER_MS,
      maxMs: report.latencies.max / NS_PER_MS,
      problems,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
