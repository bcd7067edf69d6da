import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { strategiesOf } from '@looplab/contract';
import { type Command, Option } from 'commander';
import { formatMs } from '../format.js';
import type { StrategyName } from '../model.js';
import { pinThisProcess } from '../process/taskset.js';
import { writeRampFolder } from '../render/ramp.js';
import { cellFigures } from '../report/figures/cell.js';
import { choosePinning, placementOf } from '../run/pinning.js';
import { interruptible, prepareTools } from '../run/prepare.js';
import { type RampResult, runRamp } from '../run/ramp.js';
import { cellMeasurements } from '../sources/local/local-run.js';
import { EXIT_BUDGET_BROKEN } from './budget-file.js';
import { addLoadOptions, positiveInt } from './options.js';

/** Read at start-up: once the runner pins itself to the load core, availableParallelism() says 1. */
const CORES = availableParallelism();

export interface RampFlags {
  duration: number;
  warmup: number;
  probeRate: number;
  workload: 'cpu' | 'sleep' | 'hash';
  size: number;
  poolSize?: number;
  timeout: number;
  out: string;
  runId?: string;
  pin: boolean;
  strategy: StrategyName;
  p99Budget: number;
  startRate: number;
  step: number;
  maxRate: number;
}

/** `looplab ramp`: one app, a rising job rate, one line per step, then ramp.json and ramp.md. */
export function runRampCommand(repoRoot: string, flags: RampFlags): Promise<RampResult> {
  return interruptible(async (signal) => {
    const runId =
      flags.runId ??
      `ramp-${flags.strategy}-${new Date().toISOString().replace(/\..*$/, '').replace(/:/g, '-')}`;
    const vegeta = await prepareTools(repoRoot);
    const pinning = flags.pin ? choosePinning() : { app: null, load: null };
    const { load } = placementOf(pinning);
    if (load !== null) await pinThisProcess(load);
    console.log(
      `ramping ${flags.strategy}: ${flags.startRate}→${flags.maxRate} jobs/s (+${flags.step}) of ${flags.workload} ${flags.size} ms, ${flags.duration} s per step, /ping at ${flags.probeRate}/s must keep p99 ≤ ${flags.p99Budget} ms`,
    );
    const result = await runRamp(
      {
        repoRoot,
        vegeta,
        pinning,
        signal,
        onStatus: () => {},
        config: {
          runId,
          strategies: [flags.strategy],
          targets: ['node'],
          workloads: [flags.workload],
          instrumentation: ['on'],
          durationS: flags.duration,
          warmupS: flags.warmup,
          probeRate: flags.probeRate,
          triggerRate: flags.startRate,
          workload: flags.workload,
          workloadMs: flags.size,
          poolSize: flags.poolSize ?? Math.max(1, CORES - 1),
          timeoutS: flags.timeout,
          testid: runId,
          targetUrl: null,
        },
      },
      {
        strategy: flags.strategy,
        workload: flags.workload,
        startRate: flags.startRate,
        step: flags.step,
        maxRate: flags.maxRate,
        p99BudgetMs: flags.p99Budget,
      },
      (run, config) => cellFigures(cellMeasurements(run, config.probeRate)).result,
      (step) =>
        console.log(
          `  ${String(step.triggerRate).padStart(4)} jobs/s  /ping p99 ${formatMs(step.probeP99Ms).padStart(7)} ms  lag max ${formatMs(step.lagMaxMs).padStart(7)} ms  rejected ${step.triggerRejected}  ${step.withinBudget ? 'ok' : 'BROKEN'}`,
        ),
    );
    const files = writeRampFolder(resolve(flags.out, runId), result);
    console.log(
      result.capacityPerS === null
        ? `\nno capacity within budget: ${result.stoppedBecause}`
        : `\ncapacity: ${result.capacityPerS} jobs/s (stopped ${result.stoppedBecause})`,
    );
    for (const file of files) console.log(`  ${file}`);
    return result;
  });
}

/** `looplab ramp`: its options (the load options of compare, one strategy, the steps) and action. */
export function registerRampCommand(program: Command, repoRoot: string): void {
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
      const result = await runRampCommand(repoRoot, flags);
      if (result.capacityPerS === null) process.exitCode = EXIT_BUDGET_BROKEN;
    });
}
