import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { buildReport } from '../report/assemble.js';
import { renderDiff } from '../report/diff.js';
import { localMeasurements } from '../sources/local/local-run.js';
import { readRawRun, runFolderOf } from '../sources/local/raw-file.js';

/** A run folder's report, built afresh from its raw.json (no budgets). */
const reportOf = (folder: string) =>
  buildReport(localMeasurements(readRawRun(runFolderOf(folder))), []).report;

/** `looplab diff <run-a> <run-b>`: two runs, strategy by strategy. */
export function registerDiffCommand(program: Command): void {
  program
    .command('diff')
    .description('compare two runs (before and after a change), strategy by strategy')
    .argument('<run-a>', 'the before run folder')
    .argument('<run-b>', 'the after run folder')
    .option('--out <file>', 'also write the comparison to this Markdown file')
    .action((a: string, b: string, flags: { out?: string }) => {
      const markdown = renderDiff(reportOf(a), reportOf(b));
      process.stdout.write(markdown);
      if (flags.out) writeFileSync(flags.out, markdown);
    });
}
