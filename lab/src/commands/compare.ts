import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { BASELINE_STRATEGY, type Runtime } from '@looplab/contract';
import { Listr } from 'listr2';
import { formatMs } from '../format.js';
import { assertLoopbackUrl } from '../load/loopback.js';
import type { VegetaBinary } from '../load/vegeta/index.js';
import type {
  Budget,
  Cell,
  Instrumentation,
  RawRun,
  RawStrategyRun,
  RunConfig,
  Strategy,
  WorkloadKind,
} from '../model.js';
import { saveRawRun, type WrittenReport, writeReportFolder } from '../render/report-folder.js';
import { summarizeRun } from '../report/assemble.js';
import { cellsOf, unavailableStrategies } from '../run/cells.js';
import { ClientMetrics } from '../run/client-metrics.js';
import { describeEnvironment, type LiveStatus, runStrategy } from '../run/compare.js';
import { choosePinning, type Pinning, pinThisProcess, placementOf } from '../run/pinning.js';
import { interruptible, prepareTools } from '../run/prepare.js';
import { describeTrigger } from '../run/trigger-request.js';

export interface CompareFlags {
  duration: number;
  warmup: number;
  probeRate: number;
  triggerRate: number;
  /** --workloads (several: a strategy x workload matrix); --workload is one. */
  workload: WorkloadKind;
  workloads?: WorkloadKind[];
  /** --target: the target apps. */
  target: Runtime[];
  instrumentation: Instrumentation[];
  scenario?: string;
  /** --strategies was given on the command line: a name no target has is an error (a preset's list is filtered). */
  strategiesGiven?: boolean;
  /** The scenario preset's thresholds: checked where the run has their strategies. */
  thresholds?: Budget[];
  size: number;
  poolSize?: number;
  strategies: Strategy[] | 'all';
  timeout: number;
  out: string;
  runId?: string;
  pin: boolean;
  targetUrl?: string;
  metricsPort?: number;
  metricsHost: string;
  metricsLinger: number;
  testid?: string;
}

interface Context {
  vegeta?: VegetaBinary;
  runs: RawStrategyRun[];
  written?: WrittenReport;
}

function defaultRunId(now = new Date()): string {
  return now.toISOString().replace(/\..*$/, '').replace(/:/g, '-');
}

function describeStatus(status: LiveStatus): string {
  const clock = `${Math.min(status.elapsedS, status.totalS).toFixed(0)}/${status.totalS} s`;
  switch (status.phase) {
    case 'starting':
      return 'starting the target app…';
    case 'warm-up':
      return `warm-up ${clock}`;
    case 'stopping':
      return 'stopping the target app (draining its tasks)…';
    case 'measuring':
      return `${clock} · /ping p99 (last 5 s) ${formatMs(status.probeP99Ms)} ms · max event-loop lag ${formatMs(status.lagMaxMs)} ms · tasks done ${status.tasksDone}${status.errors > 0 ? ` · ${status.errors} errors` : ''}`;
  }
}

/** A cell's name in the progress list: only the coordinates that vary in this run. */
function cellTitle(cell: Cell, cells: Cell[]): string {
  const varies = (pick: (c: Cell) => string) => new Set(cells.map(pick)).size > 1;
  return [
    varies((c) => c.target) ? cell.target : '',
    cell.strategy,
    varies((c) => c.workload) ? cell.workload : '',
    varies((c) => c.instrumentation) ? `tracing ${cell.instrumentation}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** `looplab compare`: every strategy under the same load, one after another, then the report. */
export function runCompareCommand(
  repoRoot: string,
  flags: CompareFlags,
  budgets: Budget[],
): Promise<WrittenReport> {
  return interruptible((signal) => compare(repoRoot, flags, budgets, signal));
}

async function compare(
  repoRoot: string,
  flags: CompareFlags,
  budgets: Budget[],
  signal: AbortSignal,
): Promise<WrittenReport> {
  const runId = flags.runId ?? defaultRunId();
  const workloads = flags.workloads ?? [flags.workload];
  const matrix = {
    targets: flags.target,
    strategies: flags.strategies,
    workloads,
    instrumentation: flags.instrumentation,
  };
  if (flags.targetUrl && flags.target.length > 1)
    throw new Error(
      `--target-url drives one running app: give one --target (the app's runtime), not ${flags.target.join(',')}`,
    );
  const missing = flags.strategiesGiven ? unavailableStrategies(matrix) : [];
  if (missing.length > 0)
    throw new Error(
      `--strategies ${missing.join(', ')}: not a strategy of --target ${flags.target.join(',')}`,
    );
  const cells = cellsOf(matrix);
  if (cells.length === 0) throw new Error('no strategy of these targets to run');
  // A preset's threshold about a strategy this run leaves out (--strategies) does not apply; a
  // --budgets file is checked as written.
  const ran = new Set<string>(cells.map((cell) => cell.strategy));
  const applicable = (flags.thresholds ?? []).filter(
    (budget) => ran.has(budget.strategy) && ran.has(budget.relativeTo ?? BASELINE_STRATEGY),
  );
  const config: RunConfig = {
    runId,
    strategies: [...new Set(cells.map((cell) => cell.strategy))],
    targets: flags.target,
    workloads,
    instrumentation: flags.instrumentation,
    ...(flags.scenario ? { scenario: flags.scenario } : {}),
    durationS: flags.duration,
    warmupS: flags.warmup,
    probeRate: flags.probeRate,
    triggerRate: flags.triggerRate,
    workload: workloads[0] as WorkloadKind,
    workloadMs: flags.size,
    poolSize: flags.poolSize ?? Math.max(1, availableParallelism() - 1),
    timeoutS: flags.timeout,
    testid: flags.testid ?? runId,
    targetUrl: flags.targetUrl ?? null,
  };
  if (config.targetUrl) assertLoopbackUrl(config.targetUrl);
  const clientMetrics =
    flags.metricsPort === undefined ? undefined : new ClientMetrics(config.testid);
  if (clientMetrics && flags.metricsPort !== undefined) {
    const port = await clientMetrics.listen(flags.metricsPort, flags.metricsHost);
    console.log(
      `client metrics for Prometheus: http://${flags.metricsHost}:${port}/metrics (testid ${config.testid})`,
    );
  }
  const pinning: Pinning = flags.pin ? choosePinning() : { app: null, load: null };
  const folder = resolve(flags.out, config.runId);
  const startedAt = new Date().toISOString();
  const interactive = Boolean(process.stdout.isTTY);
  const totalS = cells.length * (config.durationS + config.warmupS);
  const placement = placementOf(pinning);
  if (placement.load !== null) await pinThisProcess(placement.load);

  const tasks = new Listr<Context>(
    [
      {
        title: 'Build the target app and find the load generator',
        task: async (ctx, task) => {
          ctx.vegeta = await prepareTools(repoRoot, config.targetUrl === null);
          task.title = `Target app built; vegeta ${ctx.vegeta.version}; event loop on CPU ${placement.mainThread ?? 'any'}, pools, workers and load on CPU ${placement.offLoop ?? 'any'}; ${cells.length} runs, ~${Math.ceil(totalS / 60)} min of load`;
        },
      },
      ...cells.map((cell) => ({
        title: `${cellTitle(cell, cells)}: ${config.warmupS} s warm-up + ${config.durationS} s at ${config.probeRate} probe/s and ${config.triggerRate} ${describeTrigger(cell, config)}/s`,
        task: async (ctx: Context, task: { output: string; title: string }) => {
          let lastPrinted = 0;
          const run = await runStrategy(
            {
              repoRoot,
              config,
              vegeta: ctx.vegeta as VegetaBinary,
              pinning,
              signal,
              clientMetrics,
              targetUrl: config.targetUrl ?? undefined,
              onStatus: (status) => {
                // Without a terminal every update is a new log line: one every 5 s is plenty.
                if (!interactive && status.phase === 'measuring' && Date.now() - lastPrinted < 5000)
                  return;
                lastPrinted = Date.now();
                task.output = describeStatus(status);
              },
            },
            cell,
          );
          ctx.runs.push(run);
          const result = summarizeRun(run);
          task.title = `${cellTitle(cell, cells)}: ${result.probe.count} probes, /ping p99 ${formatMs(result.probe.p99)} ms, max event-loop lag ${formatMs(result.eventLoop.lagMaxMs)} ms, ${result.tasks.completed} tasks done`;
        },
        rendererOptions: { persistentOutput: false, outputBar: 1 },
      })),
      {
        title: `Write the report to ${folder}`,
        task: (ctx, task) => {
          const raw: RawRun = {
            schemaVersion: 1,
            config,
            environment: {
              ...describeEnvironment(ctx.vegeta as VegetaBinary, pinning),
              pinning: {
                app: placement.mainThread,
                load: placement.load,
                offLoop: placement.offLoop,
              },
            },
            startedAt,
            finishedAt: new Date().toISOString(),
            runs: ctx.runs,
          };
          saveRawRun(folder, raw);
          const started = performance.now();
          ctx.written = writeReportFolder(folder, raw, [...applicable, ...budgets]);
          task.title = `Report written to ${folder} in ${(performance.now() - started).toFixed(0)} ms`;
        },
      },
    ],
    {
      exitOnError: true,
      registerSignalListeners: false,
      rendererOptions: { collapseSubtasks: false },
    },
  );
  try {
    const ctx = await tasks.run({ runs: [] });
    const written = ctx.written as WrittenReport;
    console.log(`\n${written.report.verdict}\n`);
    for (const file of Object.values(written.files)) console.log(`  ${file}`);
    return written;
  } finally {
    if (clientMetrics && !signal.aborted && flags.metricsLinger > 0) {
      // Let Prometheus take a last scrape of the final counters before the endpoint goes away.
      console.log(`keeping client metrics up for ${flags.metricsLinger} s for a last scrape…`);
      await new Promise((resolve) => setTimeout(resolve, flags.metricsLinger * 1000));
    }
    await clientMetrics?.close();
  }
}
