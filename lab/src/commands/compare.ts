import { availableParallelism } from 'node:os';
import {
  BASELINE_STRATEGY,
  isWorkloadKind,
  RUNTIMES,
  type Runtime,
  STRATEGY_NAMES,
  WORKLOAD_KINDS,
} from '@looplab/contract';
import { type Command, Option } from 'commander';
import { allowTargetHosts, assertLoopbackUrl } from '../load/loopback.js';
import {
  type Budget,
  INSTRUMENTATION_MODES,
  type Instrumentation,
  type LabCell,
  type RunConfig,
  type StrategyName,
  type WorkloadKind,
} from '../model.js';
import { cellsOf, unavailableStrategies } from '../run/cells.js';
import { runStrategy } from '../run/compare.js';
import { interruptible } from '../run/prepare.js';
import { describeTrigger } from '../run/trigger-request.js';
import { budgetsFrom, DEFAULT_BUDGETS, EXIT_BUDGET_BROKEN } from './budget-file.js';
import {
  addServiceOptions,
  isServiceComparison,
  misplacedFlags,
  type ServiceFlags,
  serviceCompareAction,
} from './compare-service.js';
import { type Comparison, defaultRunId, runComparison } from './comparison.js';
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
import { printBudgetSummary } from './print.js';
import type { WrittenRunFolder } from './run-folder.js';

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
  strategies: StrategyName[] | 'all';
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

/** `looplab compare`: every strategy under the same load, one after another, then the report. */
export function runCompareCommand(
  repoRoot: string,
  flags: CompareFlags,
  budgets: Budget[],
): Promise<WrittenRunFolder> {
  return interruptible((signal) =>
    runComparison(repoRoot, labComparison(flags), flags, budgets, signal),
  );
}

/** The strategies of looplab's own apps, as a matrix of cells, a fresh app each. */
function labComparison(flags: CompareFlags): Comparison<LabCell> {
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
  return {
    config,
    cells,
    thresholds: applicable,
    startsApp: config.targetUrl === null,
    describeTarget: (placement) =>
      config.targetUrl === null
        ? `Target app built; event loop on CPU ${placement.mainThread ?? 'any'}, pools, workers and load on CPU ${placement.offLoop ?? 'any'}`
        : `Target ${config.targetUrl} (already running); load on CPU ${placement.load ?? 'any'}`,
    describeTrigger: (cell) => `${config.triggerRate} ${describeTrigger(cell, config)}/s`,
    runCell: runStrategy,
  };
}

const isRuntime = (value: string): value is Runtime =>
  (RUNTIMES as readonly string[]).includes(value);
const isInstrumentation = (value: string): value is Instrumentation =>
  (INSTRUMENTATION_MODES as readonly string[]).includes(value);

/** `looplab compare`: its options (defaults from load/scenarios.json) and its action. */
export function registerCompareCommand(program: Command, repoRoot: string): void {
  const command = addLoadOptions(
    program
      .command('compare')
      .description(
        'start the target app, drive every strategy with the same open-model load (vegeta), and write a report folder; or, with --variant (or --config), compare the variants of your own running service by what they do to a probe request',
      ),
    'measured seconds per strategy (or variant)',
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
        'drive an app that is already running (e.g. the compose stack) instead of starting one per strategy; with --variant, your service (variants and a probe given as paths go there)',
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
    );
  addServiceOptions(command).action(async function (
    this: Command,
    flags: CompareFlags & ServiceFlags & { budgets: string | false; scenario: ScenarioName },
  ) {
    const preset = applyScenario(this, flags as unknown as Record<string, unknown>, flags.scenario);
    const service = isServiceComparison(flags);
    const misplaced = misplacedFlags(this, service);
    if (misplaced) this.error(`error: ${misplaced}`, { exitCode: 2 });
    if (service) return serviceCompareAction(this, repoRoot, flags);
    allowTargetHosts(flags.allowHost ?? []);
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
