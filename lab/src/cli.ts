#!/usr/bin/env node
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  BASELINE_STRATEGY,
  isWorkloadKind,
  RUNTIMES,
  type Runtime,
  STRATEGY_NAMES,
  strategiesOf,
  WORKLOAD_KINDS,
} from '@looplab/contract';
import { Command, Option } from 'commander';
import { registerBenchCommand } from './bench/command.js';
import { type CompareFlags, runCompareCommand } from './commands/compare.js';
import {
  addLoadOptions,
  applyScenario,
  listOf,
  nonNegativeInt,
  positiveInt,
  SCENARIOS,
  type ScenarioName,
  strategyList,
} from './commands/options.js';
import { printBudgetSummary } from './commands/print.js';
import { type RampFlags, runRampCommand } from './commands/ramp.js';
import { type Budget, INSTRUMENTATION_MODES, type Instrumentation } from './model.js';
import { defaultPrometheusOut, writePrometheusReport } from './render/prometheus-report.js';
import { readRawRun, writeReportFolder } from './render/report-folder.js';
import { buildReport } from './report/assemble.js';
import { loadBudgets } from './report/budgets.js';
import { renderDiff } from './report/diff.js';
import { parseDurationS } from './sources/prometheus/phases.js';

const REPO_ROOT = resolve(__dirname, '..', '..');

const isRuntime = (value: string): value is Runtime =>
  (RUNTIMES as readonly string[]).includes(value);
const isInstrumentation = (value: string): value is Instrumentation =>
  (INSTRUMENTATION_MODES as readonly string[]).includes(value);
const DEFAULT_BUDGETS = resolve(REPO_ROOT, 'looplab.budgets.json');

/** Exit codes: 0 ok, 1 error, 2 bad usage (commander), 3 a budget was broken, 130 interrupted. */
export const EXIT_BUDGET_BROKEN = 3;

function budgetsFrom(path: string | false): ReturnType<typeof loadBudgets> {
  if (path === false) return [];
  if (!existsSync(path)) {
    if (path === DEFAULT_BUDGETS) return [];
    throw new Error(`budget file not found: ${path}`);
  }
  return loadBudgets(path);
}

const program = new Command()
  .name('looplab')
  .description(
    'Runs the same workload as every background strategy of the target apps (contract/data/strategies.json) under the same load, and reports what each does to other requests.',
  )
  .showHelpAfterError();

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
  .addOption(new Option('--metrics-host <host>', 'address for --metrics-port').default('127.0.0.1'))
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
  .action(async function (
    this: Command,
    flags: CompareFlags & { budgets: string | false; scenario: ScenarioName },
  ) {
    const preset = applyScenario(this, flags as unknown as Record<string, unknown>, flags.scenario);
    if (flags.workloads && this.getOptionValueSource('workload') === 'cli')
      this.error('error: give --workload or --workloads, not both', { exitCode: 2 });
    const checked = flags.budgets !== false;
    // The scenario's thresholds, plus looplab.budgets.json; an explicit --budgets file instead.
    const withThresholds = checked && this.getOptionValueSource('budgets') !== 'cli';
    const written = await runCompareCommand(
      REPO_ROOT,
      {
        ...flags,
        strategiesGiven: this.getOptionValueSource('strategies') === 'cli',
        thresholds: withThresholds ? preset.thresholds : [],
      },
      checked ? budgetsFrom(flags.budgets) : [],
    );
    process.exitCode = printBudgetSummary(written.report) ? 0 : EXIT_BUDGET_BROKEN;
  });

addLoadOptions(
  program
    .command('ramp')
    .description(
      "raise one strategy's job rate step by step until /ping p99 breaks a budget: that strategy's capacity",
    ),
  'measured seconds per step',
)
  .addOption(
    new Option('--strategy <name>', 'strategy to ramp (of the node app)')
      .choices(strategiesOf('node').map((s) => s.name))
      .default('pooled'),
  )
  .addOption(
    new Option('--p99-budget <ms>', 'the /ping p99 each step must stay under')
      .default(50)
      .argParser(positiveInt('p99-budget', 60_000)),
  )
  .addOption(
    new Option('--start-rate <rps>', 'jobs per second of the first step')
      .default(1)
      .argParser(positiveInt('start-rate', 1000)),
  )
  .addOption(
    new Option('--step <rps>', 'jobs per second added at each step')
      .default(1)
      .argParser(positiveInt('step', 1000)),
  )
  .addOption(
    new Option('--max-rate <rps>', 'stop here even within budget')
      .default(20)
      .argParser(positiveInt('max-rate', 1000)),
  )
  .action(async (flags: RampFlags) => {
    const result = await runRampCommand(REPO_ROOT, flags);
    if (result.capacityPerS === null) process.exitCode = EXIT_BUDGET_BROKEN;
  });

interface ReportFlags {
  budgets: string | false;
  prometheus?: string;
  testid?: string;
  instance?: string;
  since: string;
  eventLoopWindow: number;
  out?: string;
}

program
  .command('report')
  .description(
    'rebuild report.json, report.md, report.html and samples.csv of a run folder from its raw.json, or build them from Prometheus (--prometheus <url> --testid <id>)',
  )
  .argument('[run-folder]', 'a folder written by `looplab compare`')
  .option('--prometheus <url>', 'build the report from this Prometheus instead of a run folder')
  .option('--testid <id>', 'with --prometheus: the testid of the run (`looplab compare --testid`)')
  .option(
    '--instance <instance>',
    "with --prometheus: the app's instance label, when Prometheus scrapes more than one app",
  )
  .option('--since <duration>', 'with --prometheus: how far back to look for the run', '24h')
  .addOption(
    new Option(
      '--event-loop-window <seconds>',
      "with --prometheus: the app's LOOPLAB_EVENT_LOOP_WINDOW_S (how long its max-lag gauge remembers a stall)",
    )
      .default(10)
      .argParser(positiveInt('event-loop-window', 3600)),
  )
  .option(
    '--out <folder>',
    'with --prometheus: where to write (default: reports/<testid>-prometheus)',
  )
  .option('--budgets <file>', 'budget file (exit 3 when one is broken)', DEFAULT_BUDGETS)
  .option('--no-budgets', 'do not check budgets')
  .action(async function (this: Command, folder: string | undefined, flags: ReportFlags) {
    const prometheusOnly = ['testid', 'instance', 'since', 'eventLoopWindow', 'out'].filter(
      (key) => this.getOptionValueSource(key) === 'cli',
    );
    if (folder !== undefined && flags.prometheus !== undefined)
      this.error(
        'error: give either a <run-folder> or --prometheus <url> --testid <id>, not both',
        { exitCode: 2 },
      );
    if (folder === undefined && flags.prometheus === undefined)
      this.error('error: give a <run-folder>, or --prometheus <url> --testid <id>', {
        exitCode: 2,
      });
    if (flags.prometheus !== undefined && !flags.testid)
      this.error('error: --prometheus needs --testid <id> (the testid of the run to report)', {
        exitCode: 2,
      });
    if (folder !== undefined && prometheusOnly.length > 0)
      this.error(
        `error: ${prometheusOnly.map((key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}: only with --prometheus (a <run-folder> is rebuilt in place)`,
        { exitCode: 2 },
      );
    let sinceS = 0;
    try {
      sinceS = parseDurationS(flags.since);
    } catch (error) {
      this.error(`error: --since: ${(error as Error).message}`, { exitCode: 2 });
    }

    const budgets = budgetsFrom(flags.budgets);
    const written =
      flags.prometheus !== undefined && flags.testid
        ? await writePrometheusReport(
            flags.out ?? defaultPrometheusOut(flags.testid),
            {
              url: flags.prometheus,
              testid: flags.testid,
              instance: flags.instance,
              sinceS,
              sinceText: flags.since,
              eventLoopWindowS: flags.eventLoopWindow,
            },
            budgets,
          )
        : rebuild(
            folder as string,
            budgets,
            flags.budgets !== false && this.getOptionValueSource('budgets') !== 'cli',
          );
    if ('provenance' in written)
      for (const note of written.provenance.notes) console.log(`note: ${note}`);
    console.log(written.report.verdict);
    for (const file of Object.values(written.files)) console.log(`  ${file}`);
    process.exitCode = printBudgetSummary(written.report) ? 0 : EXIT_BUDGET_BROKEN;
  });

/** A run folder's report again, with the thresholds of the scenario it ran (raw.json says which). */
function rebuild(folder: string, budgets: Budget[], withThresholds: boolean) {
  const raw = readRawRun(folder);
  const preset = raw.config.scenario ? SCENARIOS.presets[raw.config.scenario] : undefined;
  const ran = new Set<string>(raw.runs.map((run) => run.strategy));
  const thresholds = !withThresholds
    ? []
    : (preset?.thresholds ?? []).filter(
        (budget) => ran.has(budget.strategy) && ran.has(budget.relativeTo ?? BASELINE_STRATEGY),
      );
  return writeReportFolder(folder, raw, [...thresholds, ...budgets]);
}

program
  .command('diff')
  .description('compare two runs (before and after a change), strategy by strategy')
  .argument('<run-a>', 'the before run folder')
  .argument('<run-b>', 'the after run folder')
  .option('--out <file>', 'also write the comparison to this Markdown file')
  .action((a: string, b: string, flags: { out?: string }) => {
    const markdown = renderDiff(buildReport(readRawRun(a), []), buildReport(readRawRun(b), []));
    process.stdout.write(markdown);
    if (flags.out) writeFileSync(flags.out, markdown);
  });

registerBenchCommand(program, REPO_ROOT);

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`looplab: ${message}\n`);
  process.exitCode = message === 'interrupted' ? 130 : 1;
});
