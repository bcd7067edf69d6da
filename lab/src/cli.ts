#!/usr/bin/env node
import { Command } from 'commander';
import { registerBenchCommand } from './commands/bench.js';
import { registerCompareCommand } from './commands/compare.js';
import { registerDiffCommand } from './commands/diff.js';
import { registerRampCommand } from './commands/ramp.js';
import { registerReportCommand } from './commands/report.js';
import { REPO_ROOT } from './tools/index.js';

/** `looplab`: one file per command under commands/, each with its register function. */
const program = new Command()
  .name('looplab')
  .description(
    'Runs the same workload as every background strategy of the target apps (contract/data/strategies.json) under the same load, and reports what each does to other requests.',
  )
  .showHelpAfterError();

registerCompareCommand(program, REPO_ROOT);
registerRampCommand(program, REPO_ROOT);
registerReportCommand(program);
registerDiffCommand(program);
registerBenchCommand(program, REPO_ROOT);

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`looplab: ${message}\n`);
  process.exitCode = message === 'interrupted' ? 130 : 1;
});
