import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allPanelQueries,
  type PanelQuery,
  substituteVariables,
} from '../../../dashboards/src/extract.js';
import { type CliResult, REPO_ROOT, runCli } from '../../../lab/test/support/cli.js';
import { type AppProcess, startApp } from '../../../target-app/test/support/app-process.js';

const PROMETHEUS = '/usr/bin/prometheus';
const TESTID = 'panels';
const DASHBOARDS = join(REPO_ROOT, 'dashboards', 'generated');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface QueryOutcome {
  query: PanelQuery;
  promql: string;
  error?: string;
  series: number;
}

/**
 * Proof without Grafana: a real Prometheus scrapes the real app and the real load generator
 * during a short real run, then every query of every generated dashboard is executed against
 * it. Each must parse and return data; the failures are listed by dashboard and panel.
 */
describe('every dashboard query returns data from a real Prometheus after a real run', () => {
  const work = mkdtempSync(join(tmpdir(), 'looplab-prom-'));
  let app: AppProcess;
  let prometheus: ChildProcess | undefined;
  let promUrl = '';
  let run: CliResult;
  let runStart = 0;
  let runEnd = 0;

  beforeAll(async () => {
    // The app keeps its default 10 s event-loop max window, as in the compose stack the
    // dashboards are written for (they read that gauge 10 s into each measure phase).
    app = await startApp({ LOOPLAB_POOL_SIZE: '1' });
    const promPort = await freePort();
    const metricsPort = await freePort();
    promUrl = `http://127.0.0.1:${promPort}`;
    writeFileSync(
      join(work, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: target-app',
        `    static_configs: [{ targets: ["127.0.0.1:${app.port}"] }]`,
        '  - job_name: loadgen',
        `    static_configs: [{ targets: ["127.0.0.1:${metricsPort}"] }]`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(work, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(work, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--web.enable-remote-write-receiver',
        '--log.level=warn',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(
      async () => (await fetch(`${promUrl}/-/ready`)).ok,
      30_000,
      'Prometheus to be ready',
    );

    runStart = Date.now() / 1000;
    run = await runCli([
      'compare',
      '--target-url',
      app.url,
      '--metrics-port',
      String(metricsPort),
      '--metrics-linger',
      '4',
      '--testid',
      TESTID,
      '--duration',
      '14',
      '--warmup',
      '2',
      '--trigger-rate',
      '2',
      '--size',
      '200',
      '--out',
      join(work, 'reports'),
      '--no-budgets',
    ]);
    runEnd = Date.now() / 1000;
  }, 300_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = once(prometheus, 'exit');
      prometheus.kill('SIGTERM');
      await exited;
    }
    await app?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('the run itself succeeded', () => {
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  });

  it('runs every panel, annotation and variable query and each returns data', async () => {
    const files = readdirSync(DASHBOARDS).filter((file) => file.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    const values = {
      __rate_interval: '10s',
      __interval: '2s',
      __interval_ms: '2000',
      __range: `${Math.ceil(runEnd - runStart)}s`,
      __range_s: String(Math.ceil(runEnd - runStart)),
      __range_ms: String(Math.ceil(runEnd - runStart) * 1000),
      datasource: 'prometheus',
      testid: TESTID,
      testid_b: TESTID,
      strategy: '.*',
      instance: `127.0.0.1:${app.port}`,
    };
    const outcomes: QueryOutcome[] = [];
    for (const file of files) {
      const dashboard = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as unknown;
      for (const query of allPanelQueries(dashboard)) {
        const promql = substituteVariables(query.promql, values);
        const params = new URLSearchParams({ query: promql });
        let path = '/api/v1/query';
        // Grafana resolves variables over the dashboard's time range, as a range query does.
        if (query.instant && query.kind !== 'variable') params.set('time', String(runEnd));
        else {
          path = '/api/v1/query_range';
          params.set('start', String(runStart));
          params.set('end', String(runEnd));
          params.set('step', '2');
        }
        const response = await fetch(`${promUrl}${path}?${params}`);
        const body = (await response.json()) as {
          status: string;
          error?: string;
          data?: { result: unknown[] };
        };
        outcomes.push({
          query,
          promql,
          series: body.data?.result.length ?? 0,
          ...(body.status === 'success' ? {} : { error: body.error ?? `HTTP ${response.status}` }),
        });
      }
    }
    console.log(
      `executed ${outcomes.length} queries from ${files.length} dashboards against Prometheus`,
    );
    const describe = (outcome: QueryOutcome) =>
      `${outcome.query.dashboard} / ${outcome.query.panelTitle} / ${outcome.query.refId}: ${outcome.error ?? 'no data'} — ${outcome.promql}`;
    expect(
      outcomes.filter((outcome) => outcome.error).map(describe),
      'queries that did not parse or failed',
    ).toEqual([]);
    expect(
      outcomes.filter((outcome) => outcome.series === 0).map(describe),
      'queries that returned no data',
    ).toEqual([]);
  });
});
