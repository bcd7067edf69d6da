import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASELINE_STRATEGY } from '@looplab/contract';
import { type Command, Option } from 'commander';
import type { Budget } from '../model.js';
import { toJson, type WrittenReport, writeReportFiles } from '../render/report-folder.js';
import { buildReport } from '../report/assemble.js';
import { PROMETHEUS_SOURCE_FILE, readRawRun, runFolderOf } from '../sources/local/raw-file.js';
import {
  collectFromPrometheus,
  type PrometheusSource,
  type Provenance,
} from '../sources/prometheus/collect.js';
import { parseDurationS } from '../sources/prometheus/phases.js';
import { budgetsFrom, DEFAULT_BUDGETS, EXIT_BUDGET_BROKEN } from './budget-file.js';
import { positiveInt, SCENARIOS } from './options.js';
import { printBudgetSummary } from './print.js';
import { writeRunFolder } from './run-folder.js';

interface ReportFlags {
  budgets: string | false;
  prometheus?: string;
  testid?: string;
  instance?: string;
  since: string;
  eventLoopWindow: number;
  out?: string;
}

/** A report built from Prometheus: prometheus.json next to the report files, instead of raw.json. */
interface WrittenPrometheusReport extends WrittenReport {
  files: WrittenReport['files'] & { prometheus: string };
  provenance: Provenance;
}

/** Default folder for a report built from Prometheus: reports/<testid>-prometheus. */
export function defaultPrometheusOut(testid: string): string {
  return join('reports', `${testid.replace(/[^A-Za-z0-9._-]/g, '_')}-prometheus`);
}

/** A run folder's report again, with the thresholds of the scenario it ran (raw.json says which). */
function rebuild(given: string, budgets: Budget[], withThresholds: boolean): WrittenReport {
  const folder = runFolderOf(given);
  const raw = readRawRun(folder);
  const preset = raw.config.scenario ? SCENARIOS.presets[raw.config.scenario] : undefined;
  const ran = new Set<string>(raw.runs.map((run) => run.strategy));
  const thresholds = !withThresholds
    ? []
    : (preset?.thresholds ?? []).filter(
        (budget) => ran.has(budget.strategy) && ran.has(budget.relativeTo ?? BASELINE_STRATEGY),
      );
  return writeRunFolder(folder, raw, [...thresholds, ...budgets]);
}

/**
 * `looplab report --prometheus <url> --testid <id>`: the same Report as a local run's, built from
 * what Prometheus recorded, written by the same code, plus prometheus.json (where each number
 * came from, and the notes) instead of raw.json.
 */
async function fromPrometheus(
  folder: string,
  source: PrometheusSource,
  budgets: Budget[],
): Promise<WrittenPrometheusReport> {
  const collected = await collectFromPrometheus(source);
  const built = buildReport(collected.measured, budgets);
  const provenance = {
    ...collected.provenance,
    notes: [...collected.provenance.notes, ...built.notes],
  };
  const written = writeReportFiles(folder, built.report);
  const file = join(folder, PROMETHEUS_SOURCE_FILE);
  writeFileSync(file, toJson(provenance));
  return { ...written, files: { ...written.files, prometheus: file }, provenance };
}

/** `looplab report`: rebuild a run folder from its raw.json, or build a report from Prometheus. */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'rebuild report.json, report.md, report.html and samples.csv of a run folder from its raw.json, or build them from Prometheus (--prometheus <url> --testid <id>)',
    )
    .argument('[run-folder]', 'a folder written by `looplab compare`')
    .option('--prometheus <url>', 'build the report from this Prometheus instead of a run folder')
    .option(
      '--testid <id>',
      'with --prometheus: the testid of the run (`looplab compare --testid`)',
    )
    .option(
      '--instance <instance>',
      "with --prometheus: the app's instance label, when Prometheus scrapes more than one app",
    )
    .option('--since <duration>', 'with --prometheus: how far back to look for the run', '24h')
    .addOption(
      new Option(
        '--event-loop-window <seconds>',
        "with --prometheus: the app's LOOPLAB_EVENT_LOOP_WINDOW_S (how long its max-lag gauge remembers a stall), when the app does not export it",
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

      // A run of your own service: its budgets name its variants.
      const variants =
        folder === undefined
          ? undefined
          : readRawRun(runFolderOf(folder)).config.service?.variants.map((v) => v.name);
      const budgets = budgetsFrom(flags.budgets, variants);
      const written =
        flags.prometheus !== undefined && flags.testid
          ? await fromPrometheus(
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
      const notes = (written as Partial<WrittenPrometheusReport>).provenance?.notes ?? [];
      for (const note of notes) console.log(`note: ${note}`);
      console.log(written.report.verdict);
      for (const file of Object.values(written.files)) console.log(`  ${file}`);
      process.exitCode = printBudgetSummary(written.report) ? 0 : EXIT_BUDGET_BROKEN;
    });
}
