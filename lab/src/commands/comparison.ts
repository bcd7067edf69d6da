import { resolve } from 'node:path';
import { Listr } from 'listr2';
import { formatMs } from '../format.js';
import type { VegetaBinary } from '../load/vegeta/index.js';
import {
  type Budget,
  type Cell,
  type RawRun,
  type RawStrategyRun,
  type RunConfig,
  SCHEMA_VERSION,
} from '../model.js';
import { pinThisProcess } from '../process/taskset.js';
import { type CellResult, cellFigures } from '../report/figures/cell.js';
import { formatShare } from '../report/stalls/frame-text.js';
import { termsOf } from '../report/terms.js';
import { ClientMetrics } from '../run/client-metrics.js';
import { describeEnvironment, type LiveStatus, type StrategyRunContext } from '../run/compare.js';
import { choosePinning, type Pinning, type Placement, placementOf } from '../run/pinning.js';
import { prepareTools } from '../run/prepare.js';
import { cellMeasurements } from '../sources/local/local-run.js';
import { saveRawRun } from '../sources/local/raw-file.js';
import { assertWritableParent } from './output-folder.js';
import { type WrittenRunFolder, writeRunFolder } from './run-folder.js';

/**
 * A comparison ready to run, whatever it drives: looplab's own apps (a matrix of strategies) or
 * your own service (its variants). The runner below is the same for both: tools, one cell after
 * another with live progress, raw.json, the report folder.
 */
export interface Comparison<C extends Cell = Cell> {
  config: RunConfig;
  cells: readonly C[];
  /** The preset's thresholds that apply to this run's cells (a --budgets file's come on top). */
  thresholds: Budget[];
  /** looplab starts the app per cell (and so builds it first); false: it is already running. */
  startsApp: boolean;
  /** What the first progress line says once the tools are found. */
  describeTarget(placement: Placement): string;
  /** What a cell's trigger stream sends, for its progress line. */
  describeTrigger(cell: C): string;
  /** One cell, start to finish. */
  runCell(ctx: StrategyRunContext, cell: C): Promise<RawStrategyRun>;
}

/** How the runner runs any comparison: where the report goes, pinning, client metrics. */
export interface RunnerFlags {
  out: string;
  pin: boolean;
  metricsPort?: number;
  metricsHost: string;
  metricsLinger: number;
  /** Name the code that stalled the loop (default); false: the apps started run without a profile. */
  attribution?: boolean;
}

/** `, 24 stalls (96 % in burnCpu)`: the progress line's word on the cell's stalls. */
function stallSummary(result: CellResult): string {
  const count = result.stalls?.count;
  if (!count) return '';
  const top = result.stalls?.top[0];
  return `, ${count} stall${count === 1 ? '' : 's'}${top ? ` (${formatShare(top.selfPct)} in ${top.function})` : ''}`;
}

/** A run folder's default name: the start time, without characters some file systems refuse. */
export function defaultRunId(now = new Date()): string {
  return now.toISOString().replace(/\..*$/, '').replace(/:/g, '-');
}

interface Context {
  vegeta?: VegetaBinary;
  runs: RawStrategyRun[];
  written?: WrittenRunFolder;
}

function describeStatus(status: LiveStatus, config: RunConfig, startsApp: boolean): string {
  const clock = `${Math.min(status.elapsedS, status.totalS).toFixed(0)}/${status.totalS} s`;
  switch (status.phase) {
    case 'starting':
      return startsApp ? 'starting the target app…' : 'checking that the target answers…';
    case 'warm-up':
      return `warm-up ${clock}`;
    case 'stopping':
      return startsApp
        ? 'stopping the target app (draining its tasks)…'
        : 'waiting for the last requests…';
    case 'measuring': {
      const tasks = config.service ? '' : ` · tasks done ${status.tasksDone}`;
      return `${clock} · ${termsOf(config).probe} p99 (last 5 s) ${formatMs(status.probeP99Ms)} ms · max event-loop lag ${formatMs(status.lagMaxMs)} ms${tasks}${status.errors > 0 ? ` · ${status.errors} errors` : ''}`;
    }
  }
}

/** A cell's name in the progress list: only the coordinates that vary in this run. */
function cellTitle(cell: Cell, cells: readonly Cell[]): string {
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

/** Runs every cell of a comparison in order, then writes raw.json and the report folder. */
export async function runComparison<C extends Cell>(
  repoRoot: string,
  comparison: Comparison<C>,
  flags: RunnerFlags,
  budgets: Budget[],
  signal: AbortSignal,
): Promise<WrittenRunFolder> {
  const { config, cells } = comparison;
  // First, before anything listens: a failed check must leave nothing open behind it.
  assertWritableParent(flags.out);
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
  const probe = termsOf(config).probe;

  const tasks = new Listr<Context>(
    [
      {
        title: comparison.startsApp
          ? 'Build the target app and find the load generator'
          : 'Find the load generator',
        task: async (ctx, task) => {
          ctx.vegeta = await prepareTools(repoRoot, comparison.startsApp);
          task.title = `${comparison.describeTarget(placement)}; vegeta ${ctx.vegeta.version}; ${cells.length} runs, ~${Math.ceil(totalS / 60)} min of load`;
        },
      },
      ...cells.map((cell) => ({
        title: `${cellTitle(cell, cells)}: ${config.warmupS} s warm-up + ${config.durationS} s at ${config.probeRate} probe/s and ${comparison.describeTrigger(cell)}`,
        task: async (ctx: Context, task: { output: string; title: string }) => {
          let lastPrinted = 0;
          const run = await comparison.runCell(
            {
              repoRoot,
              config,
              vegeta: ctx.vegeta as VegetaBinary,
              pinning,
              signal,
              clientMetrics,
              targetUrl: config.targetUrl ?? undefined,
              attribution: flags.attribution !== false,
              onStatus: (status) => {
                // Without a terminal every update is a new log line: one every 5 s is plenty.
                if (!interactive && status.phase === 'measuring' && Date.now() - lastPrinted < 5000)
                  return;
                lastPrinted = Date.now();
                task.output = describeStatus(status, config, comparison.startsApp);
              },
            },
            cell,
          );
          ctx.runs.push(run);
          const { result } = cellFigures(cellMeasurements(run, config.probeRate));
          const tasksDone = config.service ? '' : `, ${result.tasks.completed} tasks done`;
          task.title = `${cellTitle(cell, cells)}: ${result.probe.count} probes, ${probe} p99 ${formatMs(result.probe.p99)} ms, max event-loop lag ${formatMs(result.eventLoop.lagMaxMs)} ms${tasksDone}${stallSummary(result)}`;
        },
        rendererOptions: { persistentOutput: false, outputBar: 1 },
      })),
      {
        title: `Write the report to ${folder}`,
        task: (ctx, task) => {
          const raw: RawRun = {
            schemaVersion: SCHEMA_VERSION,
            config,
            environment: describeEnvironment(ctx.vegeta as VegetaBinary, pinning),
            startedAt,
            finishedAt: new Date().toISOString(),
            runs: ctx.runs,
          };
          saveRawRun(folder, raw);
          const started = performance.now();
          ctx.written = writeRunFolder(folder, raw, [...comparison.thresholds, ...budgets]);
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
    const written = ctx.written as WrittenRunFolder;
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
