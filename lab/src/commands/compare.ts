import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import {
  BASELINE_STRATEGY,
  isWorkloadKind,
  RUNTIMES,
  type Runtime,
  STRATEGY_NAMES,
  WORKLOAD_KINDS,
} from '@looplab/contract';
import { type Command, Option } from 'commander';
import { Listr } from 'listr2';
import { formatMs } from '../format.js';
import { assertLoopbackUrl } from '../load/loopback.js';
import type { VegetaBinary } from '../load/vegeta/index.js';
import {
  type Budget,
  type Cell,
  INSTRUMENTATION_MODES,
  type Instrumentation,
  type RawRun,
  type RawStrategyRun,
  type RunConfig,
  SCHEMA_VERSION,
  type Strategy,
  type WorkloadKind,
} from '../model.js';
import { pinThisProcess } from '../process/taskset.js';
import { type CellResult, cellFigures } from '../report/figures/cell.js';
import { formatShare } from '../report/stalls/frame-text.js';
import { cellsOf, unavailableStrategies } from '../run/cells.js';
import { ClientMetrics } from '../run/client-metrics.js';
import { describeEnvironment, type LiveStatus, runStrategy } from '../run/compare.js';
import { choosePinning, type Pinning, placementOf } from '../run/pinning.js';
import { interruptible, prepareTools } from '../run/prepare.js';
import { describeTrigger } from '../run/trigger-request.js';
import { cellMeasurements } from '../sources/local/local-run.js';
import { saveRawRun } from '../sources/local/raw-file.js';
import { budgetsFrom, DEFAULT_BUDGETS, EXIT_BUDGET_BROKEN } from './budget-file.js';
import {
  addLoadOptions,
  applyScenario,
  listOf,
  nonNegativeInt,
  positiveInt,
  SCENARIOS,
  type ScenarioName,
  strategyList,
} from './options.js';
import { assertWritableParent } from './output-folder.js';
import { printBudgetSummary } from './print.js';
import { type WrittenRunFolder, writeRunFolder } from './run-folder.js';

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
  /** --no-attribution: false (the apps still count and list stalls, without stacks). */
  attribution?: boolean;
}

interface Context {
  vegeta?: VegetaBinary;
  runs: RawStrategyRun[];
  written?: WrittenRunFolder;
}

function defaultRunId(now = new Date()): string {
  return now.toISOString().replace(/\..*$/, '').replace(/:/g, '-');
}

/** `external`: the app was already running (--target-url): looplab neither starts nor stops it. */
function describeStatus(status: LiveStatus, external: boolean): string {
  const clock = `${Math.min(status.elapsedS, status.totalS).toFixed(0)}/${status.totalS} s`;
  switch (status.phase) {
    case 'starting':
      return external ? 'checking that the target answers…' : 'starting the target app…';
    case 'warm-up':
      return `warm-up ${clock}`;
    case 'stopping':
      return external
        ? 'waiting for the last requests…'
        : 'stopping the target app (draining its tasks)…';
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

/** `, 24 stalls (96 % in burnCpu)`: the progress line's word on the cell's stalls. */
function stallSummary(result: CellResult): string {
  const count = result.stalls?.count;
  if (!count) return '';
  const top = result.stalls?.top[0];
  return `, ${count} stall${count === 1 ? '' : 's'}${top ? ` (${formatShare(top.selfPct)} in ${top.function})` : ''}`;
}

/** `looplab compare`: every strategy under the same load, one after another, then the report. */
export function runCompareCommand(
  repoRoot: string,
  flags: CompareFlags,
  budgets: Budget[],
): Promise<WrittenRunFolder> {
  return interruptible((signal) => compare(repoRoot, flags, budgets, signal));
}

async function compare(
  repoRoot: string,
  flags: CompareFlags,
  budgets: Budget[],
  signal: AbortSignal,
): Promise<WrittenRunFolder> {
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
  assertWritableParent(flags.out);
  const startedAt = new Date().toISOString();
  const interactive = Boolean(process.stdout.isTTY);
  const totalS = cells.length * (config.durationS + config.warmupS);
  const placement = placementOf(pinning);
  if (placement.load !== null) await pinThisProcess(placement.load);

  const tasks = new Listr<Context>(
    [
      {
        title:
          config.targetUrl === null
            ? 'Build the target app and find the load generator'
            : 'Find the load generator',
        task: async (ctx, task) => {
          ctx.vegeta = await prepareTools(repoRoot, config.targetUrl === null);
          const app =
            config.targetUrl === null
              ? `Target app built; event loop on CPU ${placement.mainThread ?? 'any'}, pools, workers and load on CPU ${placement.offLoop ?? 'any'}`
              : `Target ${config.targetUrl} (already running); load on CPU ${placement.load ?? 'any'}`;
          task.title = `${app}; vegeta ${ctx.vegeta.version}; ${cells.length} runs, ~${Math.ceil(totalS / 60)} min of load`;
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
              attribution: flags.attribution !== false,
              onStatus: (status) => {
                // Without a terminal every update is a new log line: one every 5 s is plenty.
                if (!interactive && status.phase === 'measuring' && Date.now() - lastPrinted < 5000)
                  return;
                lastPrinted = Date.now();
                task.output = describeStatus(status, config.targetUrl !== null);
              },
            },
            cell,
          );
          ctx.runs.push(run);
          const { result } = cellFigures(cellMeasurements(run, config.probeRate));
          task.title = `${cellTitle(cell, cells)}: ${result.probe.count} probes, /ping p99 ${formatMs(result.probe.p99)} ms, max event-loop lag ${formatMs(result.eventLoop.lagMaxMs)} ms, ${result.tasks.completed} tasks done${stallSummary(result)}`;
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
          ctx.written = writeRunFolder(folder, raw, [...applicable, ...budgets]);
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

const isRuntime = (value: string): value is Runtime =>
  (RUNTIMES as readonly string[]).includes(value);
const isInstrumentation = (value: string): value is Instrumentation =>
  (INSTRUMENTATION_MODES as readonly string[]).includes(value);

/** `looplab compare`: its options (defaults from load/scenarios.json) and its action. */
export function registerCompareCommand(program: Command, repoRoot: string): void {
  addLoadOptions(
    program
      .command('compare')
      .description(
        'start the target app, drive every strategy with the same open-model load (vegeta), and write a report folder',
      ),
    'measured seconds per strategy',
  )
    .addOption(
      new Option(
        '--scenario <name>',
        `a preset of load/scenarios.json: ${Object.entries(SCENARIOS.presets)
          .map(([name, s]) => `${name} (${s.warmupS}+${s.durationS} s)`)
          .join(', ')}; explicit flags win`,
      )
        .choices(Object.keys(SCENARIOS.presets))
        .default(SCENARIOS.defaultPreset),
    )
    .addOption(
      new Option('--trigger-rate <rps>', 'background jobs (or /async calls) per second')
        .default(SCENARIOS.roles.trigger.ratePerS)
        .argParser(positiveInt('trigger-rate', 1000)),
    )
    .addOption(
      new Option(
        '-s, --strategies <list>',
        `comma-separated strategies to run, or all (${STRATEGY_NAMES.join(', ')}); default: the scenario's`,
      )
        .default('all')
        .argParser(strategyList),
    )
    .addOption(
      new Option(
        '--target <list>',
        `target apps, comma-separated (${RUNTIMES.join(', ')}): several put their rows in one report`,
      )
        .default(['node'], 'node')
        .argParser(listOf('targets', RUNTIMES, isRuntime)),
    )
    .addOption(
      new Option(
        '--workloads <list>',
        `several workloads, comma-separated (${WORKLOAD_KINDS.join(', ')}): a strategy x workload matrix (default: --workload)`,
      ).argParser(listOf('workloads', WORKLOAD_KINDS, isWorkloadKind)),
    )
    .addOption(
      new Option(
        '--instrumentation <list>',
        "the app's tracing, comma-separated (off, on): off,on shows what tracing costs the probe under each strategy",
      )
        .default(['on'], 'on')
        .argParser(listOf('instrumentation modes', INSTRUMENTATION_MODES, isInstrumentation)),
    )
    .option(
      '--budgets <file>',
      "budget file (exit 3 when one is broken); given, it replaces the scenario's thresholds",
      DEFAULT_BUDGETS,
    )
    .option('--no-budgets', 'check neither budgets nor the scenario thresholds')
    .addOption(
      new Option(
        '--target-url <url>',
        'drive an app that is already running (e.g. the compose stack) instead of starting one per strategy',
      ),
    )
    .addOption(
      new Option(
        '--metrics-port <port>',
        'serve client-side metrics for Prometheus on this port while running (0: any free port)',
      ).argParser(nonNegativeInt('metrics-port', 65535)),
    )
    .addOption(
      new Option('--metrics-host <host>', 'address for --metrics-port').default('127.0.0.1'),
    )
    .addOption(
      new Option(
        '--metrics-linger <seconds>',
        'keep serving client metrics this long after the run (a last scrape)',
      )
        .default(5)
        .argParser(nonNegativeInt('metrics-linger', 600)),
    )
    .addOption(
      new Option('--testid <id>', 'testid label on the client-side metrics (default: the run id)'),
    )
    .option(
      '--no-attribution',
      "don't name the code that stalled the event loop: the apps looplab starts run with LOOPLAB_ATTRIBUTION=off (no CPU profile; stalls still counted and listed, without stacks)",
    )
    .action(async function (
      this: Command,
      flags: CompareFlags & { budgets: string | false; scenario: ScenarioName },
    ) {
      const preset = applyScenario(
        this,
        flags as unknown as Record<string, unknown>,
        flags.scenario,
      );
      if (flags.workloads && this.getOptionValueSource('workload') === 'cli')
        this.error('error: give --workload or --workloads, not both', { exitCode: 2 });
      const checked = flags.budgets !== false;
      // The scenario's thresholds, plus looplab.budgets.json; an explicit --budgets file instead.
      const withThresholds = checked && this.getOptionValueSource('budgets') !== 'cli';
      const written = await runCompareCommand(
        repoRoot,
        {
          ...flags,
          strategiesGiven: this.getOptionValueSource('strategies') === 'cli',
          thresholds: withThresholds ? preset.thresholds : [],
        },
        checked ? budgetsFrom(flags.budgets) : [],
      );
      process.exitCode = printBudgetSummary(written.report) ? 0 : EXIT_BUDGET_BROKEN;
    });
}
