#!/usr/bin/env node
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import {
  addLoadOptions,
  applyScenario,
  nonNegativeInt,
  positiveInt,
  SCENARIOS,
  type ScenarioName,
  strategyList,
} from './cli-options.js';
import { type CompareFlags, runCompareCommand } from './compare-command.js';
import { STRATEGIES } from './model.js';
import { printBudgetSummary } from './print.js';
import { type RampFlags, runRampCommand } from './ramp-command.js';
import { loadBudgets } from './report/budgets.js';
import { buildReport } from './report/build-report.js';
import { renderDiff } from './report/diff.js';
import { readRawRun, writeReportFolder } from './report/report-folder.js';

const REPO_ROOT = resolve(__dirname, '..', '..');
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
    'Runs the same workload as async, blocking and pooled background work under the same load, and reports what each does to other requests.',
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
      `preset durations: ${Object.entries(SCENARIOS)
        .map(([name, s]) => `${name} (${s.warmup}+${s.duration} s)`)
        .join(', ')}; explicit flags win`,
    )
      .choices(Object.keys(SCENARIOS))
      .default('compare'),
  )
  .addOption(
    new Option('--trigger-rate <rps>', 'background jobs (or /async calls) per second')
      .default(2)
      .argParser(positiveInt('trigger-rate', 1000)),
  )
  .addOption(
    new Option(
      '-s, --strategies <list>',
      `comma-separated strategies to run (${STRATEGIES.join(', ')})`,
    )
      .default(['async', 'blocking', 'pooled'], 'async,blocking,pooled')
      .argParser(strategyList),
  )
  .option('--budgets <file>', 'budget file (exit 3 when one is broken)', DEFAULT_BUDGETS)
  .option('--no-budgets', 'do not check budgets')
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
    applyScenario(this, flags as unknown as Record<string, unknown>, flags.scenario);
    const budgets = budgetsFrom(flags.budgets);
    const written = await runCompareCommand(REPO_ROOT, flags, budgets);
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
    new Option('--strategy <name>', 'strategy to ramp').choices([...STRATEGIES]).default('pooled'),
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

program
  .command('report')
  .description(
    'rebuild report.json, report.md, report.html and samples.csv of a run folder from its raw.json',
  )
  .argument('<run-folder>', 'a folder written by `looplab compare`')
  .option('--budgets <file>', 'budget file (exit 3 when one is broken)', DEFAULT_BUDGETS)
  .option('--no-budgets', 'do not check budgets')
  .action((folder: string, flags: { budgets: string | false }) => {
    const written = writeReportFolder(folder, readRawRun(folder), budgetsFrom(flags.budgets));
    console.log(written.report.verdict);
    for (const file of Object.values(written.files)) console.log(`  ${file}`);
    process.exitCode = printBudgetSummary(written.report) ? 0 : EXIT_BUDGET_BROKEN;
  });

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

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`looplab: ${message}\n`);
  process.exitCode = message === 'interrupted' ? 130 : 1;
});
