#!/usr/bin/env node
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { type CompareFlags, runCompareCommand } from './compare-command.js';
import { STRATEGIES, type Strategy } from './model.js';
import { printBudgetSummary } from './print.js';
import { loadBudgets } from './report/budgets.js';
import { buildReport } from './report/build-report.js';
import { renderDiff } from './report/diff.js';
import { readRawRun, writeReportFolder } from './report/report-folder.js';

const REPO_ROOT = resolve(__dirname, '..', '..');
const DEFAULT_BUDGETS = resolve(REPO_ROOT, 'looplab.budgets.json');

/** Exit codes: 0 ok, 1 error, 2 bad usage (commander), 3 a budget was broken, 130 interrupted. */
export const EXIT_BUDGET_BROKEN = 3;

function positiveInt(name: string, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
      throw new InvalidArgumentError(`${name} must be an integer between 1 and ${max}`);
    }
    return Number(value);
  };
}

function nonNegativeInt(name: string, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) > max)
      throw new InvalidArgumentError(`${name} must be an integer between 0 and ${max}`);
    return Number(value);
  };
}

function strategyList(value: string): Strategy[] {
  const list = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const unknown = list.filter((item) => !STRATEGIES.includes(item as Strategy));
  if (list.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(
      `expected a comma-separated list of ${STRATEGIES.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
    );
  }
  return [...new Set(list as Strategy[])];
}

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

program
  .command('compare')
  .description(
    'start the target app, drive every strategy with the same open-model load (vegeta), and write a report folder',
  )
  .addOption(
    new Option('-d, --duration <seconds>', 'measured seconds per strategy')
      .default(30)
      .argParser(positiveInt('duration', 3600)),
  )
  .addOption(
    new Option('-w, --warmup <seconds>', 'warm-up seconds per strategy (not measured)')
      .default(5)
      .argParser(nonNegativeInt('warmup', 600)),
  )
  .addOption(
    new Option('--probe-rate <rps>', 'GET /ping requests per second')
      .default(50)
      .argParser(positiveInt('probe-rate', 5000)),
  )
  .addOption(
    new Option('--trigger-rate <rps>', 'background jobs (or /async calls) per second')
      .default(2)
      .argParser(positiveInt('trigger-rate', 1000)),
  )
  .addOption(
    new Option('--workload <kind>', 'workload of each job')
      .choices(['cpu', 'sleep', 'hash'])
      .default('cpu'),
  )
  .addOption(
    new Option('--size <ms>', 'length of each job in ms (the /async wait for async)')
      .default(200)
      .argParser(positiveInt('size', 10_000)),
  )
  .addOption(
    new Option(
      '--pool-size <threads>',
      'worker threads in the pool (default: cores - 1, at least 1)',
    ).argParser(positiveInt('pool-size', 256)),
  )
  .addOption(
    new Option('-s, --strategies <list>', 'comma-separated strategies to run')
      .default(['async', 'blocking', 'pooled'], 'async,blocking,pooled')
      .argParser(strategyList),
  )
  .addOption(
    new Option('--timeout <seconds>', 'client timeout per request')
      .default(10)
      .argParser(positiveInt('timeout', 600)),
  )
  .addOption(new Option('-o, --out <folder>', 'parent folder of the run folder').default('reports'))
  .addOption(new Option('--run-id <id>', 'name of the run folder (default: a timestamp)'))
  .option('--budgets <file>', 'budget file (exit 3 when one is broken)', DEFAULT_BUDGETS)
  .option('--no-budgets', 'do not check budgets')
  .option('--no-pin', 'do not pin the app and the load generator to different cores')
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
  .action(async (flags: CompareFlags & { budgets: string | false }) => {
    const budgets = budgetsFrom(flags.budgets);
    const written = await runCompareCommand(REPO_ROOT, flags, budgets);
    process.exitCode = printBudgetSummary(written.report) ? 0 : EXIT_BUDGET_BROKEN;
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
