import { resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { readBenchRun, writeBenchRun } from '../bench/bench-file.js';
import { renderBenchDiff } from '../bench/diff.js';
import { renderBench } from '../bench/render.js';
import { runBench } from '../bench/run-bench.js';
import {
  baselineVariants,
  DEFAULT_VARIANTS,
  QUICK_VARIANTS,
  VARIANT_NAMES,
  variantsNamed,
} from '../bench/variants.js';
import { nonNegativeInt, positiveInt } from './options.js';

interface BenchFlags {
  variants?: string[];
  rounds?: number;
  duration?: number;
  warmup?: number;
  connections: number;
  rate?: number;
  timeout: number;
  quick: boolean;
  pin: boolean;
  together: boolean;
  out: string;
  runId?: string;
  diff?: string[];
  baseline?: string;
}

/** Full and --quick settings; flags given explicitly win over both. */
// Many short rounds rather than a few long ones: a ratio is taken within a round, where the
// variants run back to back, and this VM's speed drifts by ±15 % over minutes.
const FULL = { rounds: 5, duration: 5, warmup: 2, variants: DEFAULT_VARIANTS };
const QUICK = { rounds: 1, duration: 3, warmup: 1, variants: QUICK_VARIANTS };

function variantList(value: string): string[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !VARIANT_NAMES.includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(
      `expected a comma-separated list of ${VARIANT_NAMES.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
    );
  }
  return [...new Set(names)];
}

const defaultRunId = () =>
  `bench-${new Date().toISOString().replace(/\..*$/, '').replace(/:/g, '-')}`;

async function bench(repoRoot: string, flags: BenchFlags): Promise<void> {
  const preset = flags.quick ? QUICK : FULL;
  const runId = flags.runId ?? defaultRunId();
  const variants = [
    ...variantsNamed(flags.variants ?? preset.variants),
    ...(flags.baseline === undefined ? [] : baselineVariants(resolve(flags.baseline))),
  ];
  // Together, n servers share one core: n times the seconds gives each the CPU time it has
  // alone (with the alone warm-up, the default's extra code was not yet optimised: 0.78× off
  // where 5 s gave 0.87×).
  const share = flags.together ? variants.length : 1;
  const run = await runBench({
    repoRoot,
    runId,
    variants,
    rounds: flags.rounds ?? preset.rounds,
    durationS: flags.duration ?? preset.duration * share,
    warmupS: flags.warmup ?? preset.warmup * share,
    connections: flags.connections,
    ratePerS: flags.rate,
    timeoutS: flags.timeout,
    pin: flags.pin,
    together: flags.together,
    quick: flags.quick,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`\n${renderBench(run)}`);
  process.stdout.write(`  ${writeBenchRun(resolve(flags.out, runId), run)}\n`);
}

/**
 * `looplab bench`: what instrumentation costs GET /ping at saturation (wrk's closed loop), bare
 * Fastify to the heaviest OpenTelemetry setup and stall attribution on and off, in one run;
 * `--rate` measures at a fixed rate instead (vegeta); `looplab bench --diff a b` compares two runs.
 */
export function registerBenchCommand(program: Command, repoRoot: string): void {
  program
    .command('bench')
    .description(
      'measure what instrumentation costs GET /ping at saturation (wrk on its own core): bare Fastify, the app with tracing off, its default, stall attribution off and the stock OpenTelemetry instrumentations, side by side (writes bench.json)',
    )
    .addOption(
      new Option('--variants <list>', `variants to run (${VARIANT_NAMES.join(', ')})`)
        .argParser(variantList)
        .default(undefined, `${FULL.variants.join(',')}; --quick: ${QUICK.variants.join(',')}`),
    )
    .addOption(
      new Option(
        '--rounds <n>',
        `rounds per variant (default ${FULL.rounds}; --quick ${QUICK.rounds})`,
      ).argParser(positiveInt('rounds', 20)),
    )
    .addOption(
      new Option(
        '-d, --duration <seconds>',
        `measured seconds per round (default ${FULL.duration}; --quick ${QUICK.duration}; --together: times the number of variants)`,
      ).argParser(positiveInt('duration', 600)),
    )
    .addOption(
      new Option(
        '-w, --warmup <seconds>',
        `warm-up seconds per round, not measured (default ${FULL.warmup}; --quick ${QUICK.warmup}; --together: times the number of variants)`,
      ).argParser(nonNegativeInt('warmup', 120)),
    )
    .addOption(
      new Option(
        '--connections <n>',
        "keep-alive connections of wrk's closed loop (with --rate: vegeta's starting workers)",
      )
        .default(10)
        .argParser(positiveInt('connections', 1000)),
    )
    .addOption(
      new Option(
        '--rate <rps>',
        'vegeta at a fixed request rate (open model) instead of the saturating closed loop: latency and CPU per request at a given load below capacity; not a capacity measure',
      ).argParser(positiveInt('rate', 100_000)),
    )
    .addOption(
      new Option('--timeout <seconds>', 'client timeout per request')
        .default(10)
        .argParser(positiveInt('timeout', 600)),
    )
    .option('--quick', 'a few seconds per variant, one round: for CI (prints the ratios)', false)
    .option('--no-pin', 'do not pin the server and the load generator to different cores')
    .option(
      '--together',
      "run every variant at once on the server's core, one load generator each, instead of in turn: a swing of the machine's speed then hits all alike (the ratios repeat on a noisy VM), but the servers evict each other from the caches, so costs read higher than alone",
      false,
    )
    .addOption(
      new Option('-o, --out <folder>', 'parent folder of the run folder').default('reports/bench'),
    )
    .addOption(new Option('--run-id <id>', 'name of the run folder (default: bench-<timestamp>)'))
    .option(
      '--baseline <checkout>',
      'also run the built target app of another checkout (e.g. an earlier commit), off and default, in the same run',
    )
    .option(
      '--diff <runs...>',
      'compare two bench runs (folders or bench.json files) instead of running',
    )
    .action(async function (this: Command, flags: BenchFlags) {
      if (flags.diff !== undefined) {
        if (flags.diff.length !== 2) {
          this.error('error: --diff takes two bench runs: --diff <before> <after>', {
            exitCode: 2,
          });
        }
        const [before, after] = flags.diff.map(readBenchRun);
        if (before && after) process.stdout.write(renderBenchDiff(before, after));
        return;
      }
      await bench(repoRoot, flags);
    });
}
