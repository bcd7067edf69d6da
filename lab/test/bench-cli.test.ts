import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBenchRun } from '../src/bench/bench-file.js';
import type { BenchRun } from '../src/bench/bench-run.js';
import { type CliResult, runCli } from './support/cli.js';

/** One short round of `looplab bench` with these flags, written to `out/<runId>` and read back. */
async function shortBench(
  out: string,
  runId: string,
  flags: string[],
): Promise<{ result: CliResult; run: BenchRun }> {
  const result = await runCli([
    'bench',
    ...flags,
    '--rounds',
    '1',
    '-d',
    '2',
    '-w',
    '1',
    '--out',
    out,
    '--run-id',
    runId,
  ]);
  if (result.code !== 0) throw new Error(`bench exited ${result.code}:\n${result.stderr}`);
  return { result, run: readBenchRun(join(out, runId)) };
}

/**
 * `looplab bench` end to end: bare Fastify and the real app, wrk on its own core, one short
 * round. Whether a server was saturated depends on the neighbours of a shared box, so the
 * assertions hold either way: each round's verdict follows its busy share, and a load-bound
 * variant enters no ratio.
 */
describe('looplab bench (real servers, real wrk)', () => {
  const out = mkdtempSync(join(tmpdir(), 'looplab-bench-'));
  let result: CliResult;
  let run: BenchRun;

  beforeAll(async () => {
    ({ result, run } = await shortBench(out, 'cli', [
      '--variants',
      'bare,off,default,no-attribution',
    ]));
  });

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('drives every variant with wrk and says how busy each server was', () => {
    expect(run.settings.load).toBe('wrk closed loop (1 thread, 10 keep-alive connections)');
    expect(run.settings.saturatedBusy).toBe(0.95);
    expect(run.rounds.map((round) => round.variant).sort()).toEqual([
      'bare',
      'default',
      'no-attribution',
      'off',
    ]);
    for (const round of run.rounds) {
      expect(round.problems).toEqual([]);
      expect(round.reqPerS).toBeGreaterThan(100);
      expect(round.cpuUsPerReq).toBeGreaterThan(1);
      expect(round.busy).toBeGreaterThan(0.2);
      expect(round.busy).toBeLessThan(1.3);
      expect(round.saturated).toBe((round.busy ?? 0) >= 0.95);
      expect(round.loadAverage).toBeGreaterThanOrEqual(0);
    }
    // The app's default stores 10 % of traces; attribution off does not change tracing.
    const traced = Object.fromEntries(run.rounds.map((round) => [round.variant, round.tracesSeen]));
    expect(traced).toEqual({ bare: null, off: false, default: true, 'no-attribution': true });
  });

  it('leaves load-bound variants out of every ratio', () => {
    for (const summary of run.summary) {
      expect(summary.loadBound).toBe((summary.busy ?? 1) < 0.95);
      if (summary.loadBound) {
        expect(summary.vsOff).toBeNull();
        expect(summary.vsBare).toBeNull();
        expect(result.stdout).toMatch(new RegExp(`WARNING: ${summary.variant}: LOAD-BOUND`));
      }
    }
    const off = run.summary.find((summary) => summary.variant === 'off');
    const dflt = run.summary.find((summary) => summary.variant === 'default');
    if (off && dflt && !off.loadBound && !dflt.loadBound) {
      expect(dflt.vsOff?.pairs).toBe(1);
      expect(dflt.vsOff?.capacity).toBeGreaterThan(0.3);
    } else {
      expect(dflt?.vsOff).toBeNull();
    }
  });

  it('prints the table, the load average and the goals', () => {
    expect(result.stdout).toContain('load: wrk closed loop');
    expect(result.stdout).toMatch(/load average \d+\.\d\d \d+\.\d\d \d+\.\d\d at the start/);
    expect(result.stdout).toMatch(
      /^variant +req\/s +p50 ms +p99 ms +CPU µs\/req +main µs +busy +saturated/m,
    );
    if (run.attribution !== null) expect(result.stdout).toContain('stall attribution (default');
    expect(result.stdout).toContain(join(out, 'cli', 'bench.json'));
  });
});

/**
 * `--together`: the variants share the server's core in the same round. Each process's share
 * of a core (CPU per request × req/s) shows it: alone, a saturated server takes about a whole
 * core; together, two take about one between them.
 */
describe('looplab bench --together (real servers, real wrk)', () => {
  const out = mkdtempSync(join(tmpdir(), 'looplab-bench-together-'));
  let result: CliResult;
  let run: BenchRun;

  beforeAll(async () => {
    ({ result, run } = await shortBench(out, 'together', [
      '--together',
      '--variants',
      'off,default',
    ]));
  });

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('measures every variant in the same round, sharing one core', () => {
    expect(run.settings.together).toBe(true);
    expect(run.settings.pinning.app).not.toBeNull();
    expect(run.rounds.map((round) => round.variant).sort()).toEqual(['default', 'off']);
    const coreShares = run.rounds.map((round) => ((round.cpuUsPerReq ?? 0) * round.reqPerS) / 1e6);
    for (const share of coreShares) expect(share).toBeGreaterThan(0.15);
    expect(coreShares.reduce((sum, share) => sum + share, 0)).toBeLessThan(1.4);
    expect(result.stdout).toContain('every variant at once on the server core');
  });
});
