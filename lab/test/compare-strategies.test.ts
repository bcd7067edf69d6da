import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report, StrategyResult } from '../src/model.js';
import { type CliResult, runCli } from './support/cli.js';

const SIZE_MS = 200;

/**
 * The runner's side of the four newer strategies, end to end and short: their trigger requests
 * come from the contract, queue gets a real Redis and worker, and the report carries each one's
 * cost next to its probe numbers.
 */
describe('looplab compare --strategies inline,chunked,process,queue (real app, Redis, worker)', () => {
  const out = mkdtempSync(join(tmpdir(), 'looplab-strategies-'));
  let run: CliResult;
  let report: Report;
  const row = (strategy: string): StrategyResult => {
    const found = report.strategies.find((result) => result.strategy === strategy);
    if (!found) throw new Error(`no ${strategy} row`);
    return found;
  };

  beforeAll(async () => {
    run = await runCli(
      [
        'compare',
        '--strategies',
        'inline,chunked,process,queue',
        '--duration',
        '4',
        '--warmup',
        '1',
        '--size',
        String(SIZE_MS),
        '--out',
        out,
        '--run-id',
        'strategies',
        '--no-budgets',
      ],
      240_000,
    );
    if (run.code === 0)
      report = JSON.parse(readFileSync(join(out, 'strategies', 'report.json'), 'utf8')) as Report;
    else console.error(run.stdout, run.stderr);
  }, 300_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs the four, in contract order, every trigger accepted with its own status', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(report.strategies.map((result) => result.strategy)).toEqual([
      'inline',
      'chunked',
      'process',
      'queue',
    ]);
    for (const result of report.strategies) {
      expect(result.trigger.accepted, result.strategy).toBeGreaterThan(0);
      expect(result.trigger.errors, result.strategy).toBe(0);
      expect(result.target).toBe('node');
    }
  });

  it('puts the event loop on a core of its own and the rest with the load generator', () => {
    const { pinning } = report.environment;
    if (pinning.app === null) return; // one core or no taskset: nothing is pinned, and it says so
    expect(pinning.offLoop).toBe(pinning.load);
    expect(pinning.app).not.toBe(pinning.load);
  });

  it('inline answers only after the job: the trigger takes at least its length', () => {
    expect(row('inline').trigger.p50).toBeGreaterThan(SIZE_MS * 0.8);
  });

  it('reports each strategy’s cost: slices, memory per child, enqueue time', () => {
    expect(row('chunked').costs?.slices).toBeGreaterThan(0);
    expect(row('chunked').tasks.completed).toBeGreaterThan(0);
    expect(row('process').costs?.poolWorkers).toBeGreaterThanOrEqual(1);
    expect(row('process').costs?.memoryPerWorkerMiB).toBeGreaterThan(5);
    expect(row('queue').costs?.enqueueP99Ms).toBeGreaterThan(0);
    // The worker's metrics are scraped too: the queue's jobs are done there.
    expect(row('queue').tasks.completed).toBeGreaterThan(0);
    expect(report.verdict).toMatch(/MiB per child process/);
    expect(report.verdict).toMatch(/to accept \(enqueue p99/);
  });
});

describe('looplab compare --target node,fastapi --workloads cpu,sleep (both apps, one report)', () => {
  const out = mkdtempSync(join(tmpdir(), 'looplab-targets-'));
  let run: CliResult;
  let report: Report;

  beforeAll(async () => {
    run = await runCli(
      [
        'compare',
        '--target',
        'node,fastapi',
        '--strategies',
        'async',
        '--workloads',
        'cpu,sleep',
        '--duration',
        '2',
        '--warmup',
        '0',
        '--size',
        '50',
        '--out',
        out,
        '--run-id',
        'targets',
        '--no-budgets',
      ],
      240_000,
    );
    if (run.code === 0)
      report = JSON.parse(readFileSync(join(out, 'targets', 'report.json'), 'utf8')) as Report;
    else console.error(run.stdout, run.stderr);
  }, 300_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs each cell on its own app and names the rows by target and workload', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(report.strategies.map((result) => result.row)).toEqual([
      'node async · cpu',
      'node async · sleep',
      'fastapi async · cpu',
      'fastapi async · sleep',
    ]);
    for (const result of report.strategies) {
      expect(result.probe.count, result.row).toBeGreaterThan(0);
      expect(result.trigger.accepted, result.row).toBeGreaterThan(0);
    }
    const markdown = readFileSync(join(out, 'targets', 'report.md'), 'utf8');
    expect(markdown).toContain('## Probe /ping p99 by strategy and workload');
    expect(markdown).toMatch(/\| fastapi async \| [\d.]+ \(1\.00×\) \| [\d.]+ \(1\.00×\) \|/);
  });
});
