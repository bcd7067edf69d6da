import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertLoopbackUrl } from '../load/loopback.js';
import { pinned } from '../process/taskset.js';
import type { BenchLoad, LoadResult } from './load.js';
import { commandOutput } from './run-command.js';

export interface SaturatingLoadOptions {
  wrk: string;
  /** Keep-alive connections, each sending its next request as soon as the last is answered. */
  connections: number;
  timeoutS: number;
  /** taskset CPU list for wrk; null: not pinned. */
  cpus: string | null;
}

const MARKER = 'looplab-wrk ';

/**
 * wrk's own summary, as one JSON line: its text output rounds (requests/s to two digits,
 * latencies to a unit it picks). Latencies are in microseconds; `status` counts responses
 * with a status of 400 or more.
 */
const REPORT_SCRIPT = `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '${MARKER}{"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50Us":%.1f,"p99Us":%.1f,"maxUs":%.1f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`;

interface WrkReport {
  requests: number;
  durationUs: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

/**
 * The closed loop that saturates: Debian's wrk (C, epoll, one thread on a core of its own),
 * `connections` keep-alive connections each sending the next request as soon as the last one
 * is answered. It needs a few µs of CPU per request where the app needs tens, so on its own
 * core it out-runs the app (vegeta, in Go, could not keep even bare Fastify busy); the bench
 * still checks, per round, that the server's main thread was busy (summarize.ts).
 */
export function saturatingLoad(options: SaturatingLoadOptions): BenchLoad {
  return {
    describe: `wrk closed loop (1 thread, ${options.connections} keep-alive connections)`,
    saturating: true,
    run: (url, durationS) => runWrk(options, url, durationS),
  };
}

async function runWrk(
  options: SaturatingLoadOptions,
  target: string,
  durationS: number,
): Promise<LoadResult> {
  const url = assertLoopbackUrl(target);
  const dir = mkdtempSync(join(tmpdir(), 'looplab-wrk-'));
  const script = join(dir, 'report.lua');
  try {
    writeFileSync(script, REPORT_SCRIPT);
    const [command, args] = pinned(options.cpus, options.wrk, [
      '-t1',
      `-c${options.connections}`,
      `-d${durationS}s`,
      `--timeout=${options.timeoutS}s`,
      `--script=${script}`,
      url,
    ]);
    return resultOf(parseReport(await commandOutput(command, args)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function parseReport(output: string): WrkReport {
  const line = output.split('\n').find((candidate) => candidate.startsWith(MARKER));
  if (line === undefined) throw new Error(`wrk printed no summary:\n${output.trim()}`);
  return JSON.parse(line.slice(MARKER.length)) as WrkReport;
}

export function resultOf(report: WrkReport): LoadResult {
  const ok = report.requests - report.status;
  const problems = (['connect', 'read', 'write', 'timeout'] as const)
    .filter((kind) => report[kind] > 0)
    .map((kind) => `${report[kind]} ${kind} error(s)`);
  if (report.status > 0) problems.unshift(`${report.status}× status ≥ 400`);
  return {
    requests: report.requests,
    ok,
    reqPerS: report.durationUs > 0 ? ok / (report.durationUs / 1e6) : 0,
    durationS: report.durationUs / 1e6,
    p50Ms: report.p50Us / 1000,
    p99Ms: report.p99Us / 1000,
    maxMs: report.maxUs / 1000,
    problems,
  };
}
