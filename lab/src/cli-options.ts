import { type Command, InvalidArgumentError, Option } from 'commander';
import { STRATEGIES, type Strategy } from './model.js';

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

export function strategyList(value: string): Strategy[] {
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

/** The load and app settings shared by `compare` and `ramp`. */
export function addLoadOptions(command: Command, durationHelp: string): Command {
  return command
    .addOption(
      new Option('-d, --duration <seconds>', durationHelp)
        .default(30)
        .argParser(positiveInt('duration', 3600)),
    )
    .addOption(
      new Option('-w, --warmup <seconds>', 'warm-up seconds before measuring (not measured)')
        .default(5)
        .argParser(nonNegativeInt('warmup', 600)),
    )
    .addOption(
      new Option('--probe-rate <rps>', 'GET /ping requests per second')
        .default(50)
        .argParser(positiveInt('probe-rate', 5000)),
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
      new Option('--timeout <seconds>', 'client timeout per request')
        .default(10)
        .argParser(positiveInt('timeout', 600)),
    )
    .addOption(
      new Option('-o, --out <folder>', 'parent folder of the run folder').default('reports'),
    )
    .addOption(new Option('--run-id <id>', 'name of the run folder (default: a timestamp)'))
    .option('--no-pin', 'do not pin the app and the load generator to different cores');
}

/** Named presets for `compare`; flags given explicitly win over them. */
export const SCENARIOS = {
  smoke: { duration: 5, warmup: 1 },
  compare: { duration: 30, warmup: 5 },
  soak: { duration: 600, warmup: 10 },
} as const;
export type ScenarioName = keyof typeof SCENARIOS;

/** Applies a scenario's values to every option the user did not set on the command line. */
export function applyScenario(
  command: Command,
  flags: Record<string, unknown>,
  scenario: ScenarioName,
): void {
  for (const [key, value] of Object.entries(SCENARIOS[scenario])) {
    if (command.getOptionValueSource(key) === 'default') flags[key] = value;
  }
}
