import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report, StrategyResult } from '../../../lab/src/model.js';
import { readRawRun } from '../../../lab/src/sources/local/raw-file.js';
import { baselineHeld, busyBox, stallsOver } from '../../../lab/test/support/busy-box.js';
import { type CliResult, runCli } from '../../../lab/test/support/cli.js';
import { type RealRun, startRealRun } from './support/real-run.js';

const TESTID = 'from-prometheus';

function readReport(folder: string): Report {
  return JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as Report;
}

function byStrategy(report: Report, strategy: string): StrategyResult {
  const result = report.strategies.find((s) => s.strategy === strategy);
  if (!result) throw new Error(`no ${strategy} in the report`);
  return result;
}

/** a / b as a factor ≥ 1, whichever is larger. */
const factor = (a: number, b: number): number => Math.max(a / b, b / a);

/** The two reports of one run agree on a figure: within 10 % of the local one, or 2 ms. */
const agrees = (prom: number, local: number): boolean =>
  Math.abs(prom - local) <= Math.max(2, 0.1 * Math.abs(local));

/**
 * The compose path feeds the report: a real run (app, vegeta, Prometheus scraping both), then
 * `looplab report --prometheus <url> --testid <id>` builds the report from Prometheus alone.
 * Its numbers must agree with the report the same run wrote from its own raw data.
 */
describe('looplab report --prometheus builds the same report from Prometheus data', () => {
  let real: RealRun;
  let out = '';
  let built: CliResult;
  let local: Report;
  let fromProm: Report;

  beforeAll(async () => {
    for (let attempt = 1; ; attempt += 1) {
      // The three strategies this test knows the direction of; the panels test runs them all.
      real = await startRealRun({ testid: TESTID, strategies: ['async', 'blocking', 'pooled'] });
      if (real.run.code !== 0) return;
      out = join(real.work, 'from-prometheus');
      built = await runCli(
        ['report', '--prometheus', real.promUrl, '--testid', TESTID, '--out', out, '--no-budgets'],
        60_000,
      );
      local = readReport(real.localReportFolder);
      if (built.code === 0) fromProm = readReport(out);
      if (attempt === 2 || !baselineHeld(local)) return;
      console.log(`run ${attempt}: ${busyBox(local)}; running again`);
      await real.stop();
    }
  }, 400_000);

  afterAll(async () => {
    await real?.stop();
  });

  it('the run itself succeeded', () => {
    expect(real.run.code, `${real.run.stdout}\n${real.run.stderr}`).toBe(0);
  });

  it('exits 0 and writes the report files, with prometheus.json instead of raw.json', () => {
    expect(built.code, `${built.stdout}\n${built.stderr}`).toBe(0);
    console.log(built.stdout);
    // Prometheus saw every phase from its start, and the run as finished.
    expect(built.stdout).not.toMatch(/note: .*(began scraping|only from|still be going)/);
    for (const file of [
      'report.json',
      'report.md',
      'report.html',
      'samples.csv',
      'prometheus.json',
    ])
      expect(existsSync(join(out, file)), file).toBe(true);
    expect(existsSync(join(out, 'raw.json'))).toBe(false);
    const provenance = JSON.parse(readFileSync(join(out, 'prometheus.json'), 'utf8')) as {
      testid: string;
      instance: string;
      queries: unknown[];
    };
    expect(provenance).toMatchObject({ testid: TESTID, instance: `127.0.0.1:${real.app.port}` });
    expect(provenance.queries).toHaveLength(3);
  });

  it('has the three strategies in run order, says where its numbers come from', () => {
    expect(fromProm.strategies.map((s) => s.strategy)).toEqual(['async', 'blocking', 'pooled']);
    expect(fromProm.source).toBe('prometheus');
    expect(fromProm.config).toMatchObject({
      testid: TESTID,
      strategies: ['async', 'blocking', 'pooled'],
      durationS: 14,
      warmupS: 2,
      probeRate: 50,
      triggerRate: 2,
      workload: 'cpu',
      poolSize: 1,
    });
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('Built from Prometheus');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('id="source-note"');
    // One point per second of each 14 s measure phase.
    expect(fromProm.series).toHaveLength(3 * 14);
    expect(readFileSync(join(out, 'samples.csv'), 'utf8').trim().split('\r\n')).toHaveLength(
      1 + 3 * 14,
    );
  });

  it('shows the same direction: blocking raises /ping p99, pooled does not', () => {
    const why = busyBox(local);
    // Noise cannot fake this one: 2 jobs/s for 14 s are 28 delays over 100 ms under blocking,
    // while another process stalls the loop far less often.
    const raw = readRawRun(real.localReportFolder);
    const stalls = (strategy: 'async' | 'blocking' | 'pooled') => stallsOver(raw, strategy, 100);
    expect(stalls('blocking'), why).toBeGreaterThanOrEqual(14);
    expect(stalls('async'), why).toBeLessThan(stalls('blocking') / 3);
    expect(stalls('pooled'), why).toBeLessThan(stalls('blocking') / 3);
    // The p99s and the maxima are judged on a run whose baseline nothing held (done twice at most).
    if (baselineHeld(local)) return console.log(`p99 direction not judged: ${why}`);
    const async = byStrategy(fromProm, 'async').probe.p99;
    const blocking = byStrategy(fromProm, 'blocking').probe.p99;
    const pooled = byStrategy(fromProm, 'pooled').probe.p99;
    expect(blocking, why).toBeGreaterThan(5 * async);
    expect(blocking, why).toBeGreaterThan(100);
    expect(pooled, why).toBeLessThan(blocking / 3);
    // The max-lag gauge remembers 10 s: read only where its window lies inside the phase, the
    // blocking strategy's 200 ms stalls do not leak into pooled, which follows it.
    expect(byStrategy(fromProm, 'pooled').eventLoop.lagMaxMs, why).toBeLessThan(
      byStrategy(fromProm, 'blocking').eventLoop.lagMaxMs / 3,
    );
  });

  it('agrees with the report the run wrote from its own raw data: one builder, two sources', () => {
    const rows = ['async', 'blocking', 'pooled'].map((strategy) => {
      const l = byStrategy(local, strategy);
      const p = byStrategy(fromProm, strategy);
      return {
        strategy,
        'p99 local': l.probe.p99,
        'p99 prom': p.probe.p99,
        'server p99 local': l.probeServer.p99Ms,
        'server p99 prom': p.probeServer.p99Ms,
        'lag max local': l.eventLoop.lagMaxMs,
        'lag max prom': p.eventLoop.lagMaxMs,
        'count local': l.probe.count,
        'count prom': p.probe.count,
        'util local': l.eventLoop.utilization,
        'util prom': p.eventLoop.utilization,
        'tasks local': l.tasks.completed,
        'tasks prom': p.tasks.completed,
      };
    });
    console.table(rows);
    for (const row of rows) {
      // Client p99: exact against interpolated in a bucket at most 9.1 % wide (clientLatency).
      expect(agrees(row['p99 prom'], row['p99 local']), `${row.strategy} probe p99`).toBe(true);
      // The app's /ping histogram and its max-lag gauge: the same series, read at the phase edges.
      expect(
        agrees(row['server p99 prom'], row['server p99 local']),
        `${row.strategy} server /ping p99`,
      ).toBe(true);
      expect(agrees(row['lag max prom'], row['lag max local']), `${row.strategy} max lag`).toBe(
        true,
      );
      // Phase boundaries are known to half a scrape interval (1 s here): 50 probes/s.
      expect(
        Math.abs(row['count prom'] - row['count local']),
        `${row.strategy} probes`,
      ).toBeLessThanOrEqual(0.1 * row['count local']);
      expect(
        Math.abs(row['tasks prom'] - row['tasks local']),
        `${row.strategy} tasks`,
      ).toBeLessThanOrEqual(2);
    }
    const blocking = { l: byStrategy(local, 'blocking'), p: byStrategy(fromProm, 'blocking') };
    expect(factor(blocking.p.eventLoop.utilization, blocking.l.eventLoop.utilization)).toBeLessThan(
      1.25,
    );
  });

  it('checks budgets the same way: exit 3 when one is broken, the report still written', async () => {
    const budgets = join(real.work, 'impossible.budgets.json');
    writeFileSync(
      budgets,
      JSON.stringify({
        budgets: [
          { name: 'blocking under 1 ms', strategy: 'blocking', metric: 'probe.p99', maxMs: 1 },
        ],
      }),
    );
    const folder = join(real.work, 'with-budgets');
    const result = await runCli(
      [
        'report',
        '--prometheus',
        real.promUrl,
        '--testid',
        TESTID,
        '--out',
        folder,
        '--budgets',
        budgets,
      ],
      60_000,
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(3);
    expect(result.stdout).toContain('budget FAIL: blocking under 1 ms');
    expect(readReport(folder).budgets).toMatchObject([
      { name: 'blocking under 1 ms', passed: false },
    ]);
  });

  it('an unknown testid is an error that says what was looked for, and where', async () => {
    const folder = join(real.work, 'unknown');
    const result = await runCli(
      ['report', '--prometheus', real.promUrl, '--testid', 'no-such-run', '--out', folder],
      60_000,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `no looplab_run_phase series for testid no-such-run in the last 24h at ${real.promUrl}`,
    );
    expect(existsSync(folder)).toBe(false);
  });

  it('needs exactly one of a run folder and --prometheus', async () => {
    const neither = await runCli(['report'], 30_000);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('give a <run-folder>, or --prometheus <url> --testid <id>');
    const both = await runCli(
      ['report', real.localReportFolder, '--prometheus', real.promUrl, '--testid', TESTID],
      30_000,
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
  });
});
