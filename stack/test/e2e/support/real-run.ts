import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Runtime, type StrategyName, strategiesOf, strategy } from '@looplab/contract';
import { answers, Child } from '../../../../lab/src/process/child-process.js';
import { freeLoopbackPort } from '../../../../lab/src/process/free-port.js';
import {
  needsRedis,
  type QueueServices,
  startQueueServices,
} from '../../../../lab/src/run/services/index.js';
import { TargetAppProcess } from '../../../../lab/src/run/target-app-process.js';
import { findTool } from '../../../../lab/src/tools/index.js';
import { type CliResult, REPO_ROOT, runCli } from '../../../../lab/test/support/cli.js';
import { startApp } from '../../../../target-app/test/support/app-process.js';

/**
 * The real parts of the compose path, without Docker: the built target app, a real Prometheus
 * (the compose image's release, from .tools/bin) on a free loopback port with its own config and
 * data folder, scraping the app and the `looplab compare --target-url ... --metrics-port ...` client
 * metrics every second during a real run (vegeta, every strategy). Everything stays on 127.0.0.1.
 */

/** The pinned Prometheus; throws naming the fix (`npm run setup`) when it is absent. */
export const prometheusBinary = (): string => findTool('prometheus').path;

export interface RealRunOptions {
  testid: string;
  /** Which target app (default node): its Prometheus job is named after it. */
  runtime?: Runtime;
  /** Measured seconds per strategy (default 14) and warm-up (default 2). */
  durationS?: number;
  warmupS?: number;
  /** Extra environment for the app (default: a pool of one worker, the 10 s max-lag window). */
  appEnv?: Record<string, string>;
  /** Strategies to run (default: every strategy of the runtime that the app serves). */
  strategies?: readonly StrategyName[];
}

/** The app under test, whichever runtime. */
export interface RunningApp {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface RealRun {
  runtime: Runtime;
  app: RunningApp;
  /** Redis and the queue worker (node, when the run has the queue strategy; scraped as a
   * second target of job `node`). */
  queue: QueueServices | undefined;
  /** The strategies the run drove, in run order. */
  strategies: StrategyName[];
  promUrl: string;
  /** The `looplab compare` process: its exit code and output. */
  run: CliResult;
  /** Wall-clock seconds (epoch) just before and after the compare run. */
  runStart: number;
  runEnd: number;
  /** The report folder the compare run wrote for itself (raw.json, report.json, ...). */
  localReportFolder: string;
  /** A scratch folder, deleted by stop(). */
  work: string;
  stop(): Promise<void>;
}

export async function waitFor(
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

/**
 * The strategies of the contract (for one runtime) that the running app serves: those whose
 * route its OpenAPI document (/docs-json, on both apps) lists with the contract's method.
 */
export async function servedStrategies(appUrl: string, runtime: Runtime): Promise<StrategyName[]> {
  const response = await fetch(`${appUrl}/docs-json`);
  const document = (await response.json()) as { paths?: Record<string, Record<string, unknown>> };
  const paths = document.paths ?? {};
  return strategiesOf(runtime)
    .filter((s) => paths[s.route]?.[s.method.toLowerCase()] !== undefined)
    .map((s) => s.name);
}

/** The app of a runtime, built, on an ephemeral loopback port (Node: with Redis's URL). */
async function startTarget(runtime: Runtime, env: Record<string, string>): Promise<RunningApp> {
  const app =
    runtime === 'node'
      ? await startApp(env)
      : await TargetAppProcess.start({ repoRoot: REPO_ROOT, cpus: null, env, runtime });
  return {
    url: app.url,
    port: app.port,
    stop: async () => {
      await app.stop();
    },
  };
}

/**
 * Starts the app (for Node: with Redis and the queue worker) and Prometheus, runs `looplab
 * compare` against them, and leaves everything up until stop().
 */
export async function startRealRun(options: RealRunOptions): Promise<RealRun> {
  const runtime = options.runtime ?? 'node';
  const work = mkdtempSync(join(tmpdir(), 'looplab-prom-'));
  let app: RunningApp | undefined;
  let queue: QueueServices | undefined;
  let prometheus: Child | undefined;
  const stop = async () => {
    await prometheus?.stop(10_000);
    await app?.stop();
    await queue?.stop();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    // Redis (a real redis-server on a free loopback port) and the queue worker, started by the
    // runner's own launchers; the app gets their REDIS_URL as in the compose stack.
    // Only when a strategy of the run needs them (by default the run drives them all).
    const needsQueue =
      runtime === 'node' &&
      (options.strategies === undefined || needsRedis(options.strategies.map(strategy)));
    if (needsQueue) queue = await startQueueServices({ repoRoot: REPO_ROOT, cpus: null });
    // The app keeps its default 10 s event-loop max window, as in the compose stack the
    // dashboards are written for (they read that gauge 10 s into each measure phase).
    app = await startTarget(runtime, {
      LOOPLAB_POOL_SIZE: '1',
      ...queue?.appEnv,
      ...options.appEnv,
    });
    const strategies = [...(options.strategies ?? (await servedStrategies(app.url, runtime)))];
    const appTargets = [app.port, ...(queue ? [queue.worker.port] : [])]
      .map((port) => `"127.0.0.1:${port}"`)
      .join(', ');
    const promPort = await freeLoopbackPort();
    const metricsPort = await freeLoopbackPort();
    const promUrl = `http://127.0.0.1:${promPort}`;
    writeFileSync(
      join(work, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        // Named after the runtime, as in stack/prometheus/prometheus.yml: the app, its worker.
        `  - job_name: ${runtime}`,
        `    static_configs: [{ targets: [${appTargets}] }]`,
        // The runner labels its series with `target` (--target) itself.
        '  - job_name: loadgen',
        `    static_configs: [{ targets: ["127.0.0.1:${metricsPort}"] }]`,
        '',
      ].join('\n'),
    );
    prometheus = new Child({
      name: 'Prometheus',
      command: prometheusBinary(),
      args: [
        `--config.file=${join(work, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(work, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--web.enable-remote-write-receiver',
        '--log.level=warn',
      ],
    });
    await prometheus.waitUntil(() => answers(`${promUrl}/-/ready`), 'become ready', 30_000, 200);
    // Prometheus applies its targets a few seconds after it is ready; until then nothing is
    // scraped. Wait for a first scrape of every target (the load generator's fails, `up` 0, as
    // it is not running yet), so the run's first phase is seen from its start.
    await waitFor(
      async () => {
        const response = await fetch(`${promUrl}/api/v1/query?query=up`);
        const body = (await response.json()) as { data?: { result?: unknown[] } };
        return (body.data?.result?.length ?? 0) >= (queue ? 3 : 2);
      },
      30_000,
      'Prometheus to scrape the app, the worker and the load generator',
    );

    const reports = join(work, 'reports');
    const runStart = Date.now() / 1000;
    const run = await runCli([
      'compare',
      '--target',
      runtime,
      '--target-url',
      app.url,
      '--metrics-port',
      String(metricsPort),
      '--metrics-linger',
      '4',
      '--testid',
      options.testid,
      '--strategies',
      strategies.join(','),
      '--duration',
      String(options.durationS ?? 14),
      '--warmup',
      String(options.warmupS ?? 2),
      '--trigger-rate',
      '2',
      '--size',
      '200',
      '--out',
      reports,
      '--no-budgets',
    ]);
    const runEnd = Date.now() / 1000;
    const [runId] = run.code === 0 ? readdirSync(reports) : [];
    return {
      runtime,
      app,
      queue,
      strategies,
      promUrl,
      run,
      runStart,
      runEnd,
      localReportFolder: runId ? join(reports, runId) : '',
      work,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
