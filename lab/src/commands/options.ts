import { isStrategyName, STRATEGY_NAMES, WORKLOAD_KINDS, WORKLOAD_MS } from '@looplab/contract';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { loadScenarios, type Preset } from '../load/scenarios.js';
import type { StrategyName } from '../model.js';

/** load/scenarios.json: the defaults of every load option and the presets. */
export const SCENARIOS = loadScenarios();

export function positiveInt(name: string, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
      throw new InvalidArgumentError(`${name} must be an integer between 1 and ${max}`);
    }
    return Number(value);
  };
}

export function nonNegativeInt(name: string, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) > max) {
      throw new InvalidArgumentError(`${name} must be an integer between 0 and ${max}`);
    }
    return Number(value);
  };
}

/** A comma-separated list of known names, deduplicated, in the order given. */
export function listOf<T extends string>(
  what: string,
  known: readonly string[],
  isKnown: (value: string) => value is T,
  extra: readonly string[] = [],
) {
  return (value: string): T[] => {
    const list = value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    const unknown = list.filter((item) => !isKnown(item) && !extra.includes(item));
    if (list.length === 0 || unknown.length > 0) {
      throw new InvalidArgumentError(
        `expected a comma-separated list of ${what}: ${[...extra, ...known].join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
      );
    }
    return [...new Set(list as T[])];
  };
}

/** `--strategies`: names from the contract, or `all` (every strategy of the runtimes asked for). */
export function strategyList(value: string): StrategyName[] | 'all' {
  const list = listOf('strategies', STRATEGY_NAMES, isStrategyName, ['all'])(value);
  return (list as string[]).includes('all') ? 'all' : list;
}

/** The load and app settings shared by `compare` and `ramp`; defaults from load/scenarios.json. */
export function addLoadOptions(command: Command, durationHelp: string): Command {
  const preset = SCENARIOS.presets[SCENARIOS.defaultPreset] as Preset;
  return command
    .addOption(
      new Option('-d, --duration <seconds>', durationHelp)
        .default(preset.durationS)
        .argParser(positiveInt('duration', 3600)),
    )
    .addOption(
      new Option('-w, --warmup <seconds>', 'warm-up seconds before measuring (not measured)')
        .default(preset.warmupS)
        .argParser(nonNegativeInt('warmup', 600)),
    )
    .addOption(
      new Option('--probe-rate <rps>', 'probe requests per second (GET /ping, or --probe)')
        .default(SCENARIOS.roles.probe.ratePerS)
        .argParser(positiveInt('probe-rate', 5000)),
    )
    .addOption(
      new Option('--workload <kind>', 'workload of each job')
        .choices(WORKLOAD_KINDS)
        .default(SCENARIOS.job.workload),
    )
    .addOption(
      new Option('--size <ms>', 'length of each job in ms (the /async wait for async)')
        .default(SCENARIOS.job.sizeMs)
        .argParser(positiveInt('size', WORKLOAD_MS.max)),
    )
    .addOption(
      new Option(
        '--pool-size <threads>',
        'workers in the pools (threads, child processes; default: cores - 1, at least 1)',
      ).argParser(positiveInt('pool-size', 256)),
    )
    .addOption(
      new Option('--timeout <seconds>', 'client timeout per request')
        .default(SCENARIOS.timeoutS)
        .argParser(positiveInt('timeout', 600)),
    )
    .addOption(
      new Option('-o, --out <folder>', 'parent folder of the run folder').default('reports'),
    )
    .addOption(new Option('--run-id <id>', 'name of the run folder (default: a timestamp)'))
    .option('--no-pin', 'do not pin the app and the load generator to different cores');
}

export type ScenarioName = string;

/** Applies a preset's durations and strategies to every option the user did not set. */
export function applyScenario(
  command: Command,
  flags: Record<string, unknown>,
  scenario: ScenarioName,
): Preset {
  const preset = SCENARIOS.presets[scenario];
  if (!preset) throw new InvalidArgumentError(`unknown scenario ${scenario}`);
  const values: Record<string, unknown> = {
    duration: preset.durationS,
    warmup: preset.warmupS,
    strategies: preset.strategies,
  };
  for (const [key, value] of Object.entries(values)) {
    if (command.getOptionValueSource(key) === 'default') flags[key] = value;
  }
  return preset;
}
