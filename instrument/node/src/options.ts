import type { Registry } from 'prom-client';
import { DEFAULTS } from './contract.generated.js';

/** Inclusive bounds of the integer settings; the lab's apps validate their environment with these. */
export const SETTING_BOUNDS = {
  stallThresholdMs: { min: 1, max: 60_000, env: 'LOOPLAB_STALL_THRESHOLD_MS' },
  sampleIntervalMs: { min: 1, max: 1000, env: 'LOOPLAB_PROFILE_INTERVAL_MS' },
  resolutionMs: { min: 1, max: 100, env: 'LOOPLAB_EVENT_LOOP_RESOLUTION_MS' },
  windowSeconds: { min: 1, max: 600, env: 'LOOPLAB_EVENT_LOOP_WINDOW_S' },
} as const;

type BoundedSetting = keyof typeof SETTING_BOUNDS;

export interface InstrumentOptions {
  /** prom-client registry to register on; prom-client's global `register` when absent. */
  registry?: Registry;
  /** Stall attribution (the continuous CPU profile); stalls are counted either way. Default on. */
  attribution?: boolean;
  /** A loop that does not turn for longer than this is a stall (1..60000, default 50). */
  stallThresholdMs?: number;
  /**
   * The V8 CPU profiler's sampling interval (1..1000, default 10: the profiler costs every
   * request a little, less the fewer samples it takes; docs/instrumentation.md).
   */
  sampleIntervalMs?: number;
  /** The delay timer's period, subtracted from every delay (1..100, default 5). */
  resolutionMs?: number;
  /** Length of the exact window max's window (1..600, default 10). */
  windowSeconds?: number;
  /** Also answer `GET /metrics` from `handle()` (for a service without a metrics endpoint). */
  serveMetrics?: boolean;
  /** Stalls kept for readers of /looplab/stalls (default 2000). */
  maxStalls?: number;
  /** Stacks kept per stall, the rest merged into one "(other stacks)" (default 50). */
  maxStacksPerStall?: number;
  /** How often a profile holding stalls not yet named is collected (ms, default 5000). */
  collectEveryMs?: number;
  /**
   * The longest a profile runs uncollected when no stall waits for it, which bounds its memory
   * (ms, default 60000). Collecting costs the loop a few ms, so a calm loop is not charged it
   * every collectEveryMs.
   */
  maxProfileAgeMs?: number;
}

export interface ResolvedOptions {
  attribution: boolean;
  stallThresholdMs: number;
  sampleIntervalMs: number;
  resolutionMs: number;
  windowSeconds: number;
  serveMetrics: boolean;
  maxStalls: number;
  maxStacksPerStall: number;
  collectEveryMs: number;
  maxProfileAgeMs: number;
}

export class InstrumentOptionError extends RangeError {
  constructor(readonly problems: string[]) {
    super(`@looplab/instrument: invalid options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InstrumentOptionError';
  }
}

function boundedProblem(name: BoundedSetting, value: number): string | undefined {
  const { min, max } = SETTING_BOUNDS[name];
  if (Number.isInteger(value) && value >= min && value <= max) return undefined;
  return `${name}=${JSON.stringify(value)}: must be an integer from ${min} to ${max}`;
}

function positiveIntegerProblem(name: string, value: number): string | undefined {
  return Number.isInteger(value) && value >= 1
    ? undefined
    : `${name}=${JSON.stringify(value)}: must be a positive integer`;
}

/** Fills in the defaults and reports every out-of-range option at once. */
export function resolveOptions(options: InstrumentOptions = {}): ResolvedOptions {
  const resolved: ResolvedOptions = {
    attribution: options.attribution ?? DEFAULTS.LOOPLAB_ATTRIBUTION === 'on',
    stallThresholdMs: options.stallThresholdMs ?? DEFAULTS.LOOPLAB_STALL_THRESHOLD_MS,
    sampleIntervalMs: options.sampleIntervalMs ?? DEFAULTS.LOOPLAB_PROFILE_INTERVAL_MS,
    resolutionMs: options.resolutionMs ?? DEFAULTS.LOOPLAB_EVENT_LOOP_RESOLUTION_MS,
    windowSeconds: options.windowSeconds ?? DEFAULTS.LOOPLAB_EVENT_LOOP_WINDOW_S,
    serveMetrics: options.serveMetrics ?? false,
    maxStalls: options.maxStalls ?? 2000,
    maxStacksPerStall: options.maxStacksPerStall ?? 50,
    collectEveryMs: options.collectEveryMs ?? 5000,
    maxProfileAgeMs: options.maxProfileAgeMs ?? 60_000,
  };
  const problems = [
    ...(Object.keys(SETTING_BOUNDS) as BoundedSetting[]).map((name) =>
      boundedProblem(name, resolved[name]),
    ),
    positiveIntegerProblem('maxStalls', resolved.maxStalls),
    positiveIntegerProblem('maxStacksPerStall', resolved.maxStacksPerStall),
    positiveIntegerProblem('collectEveryMs', resolved.collectEveryMs),
    positiveIntegerProblem('maxProfileAgeMs', resolved.maxProfileAgeMs),
  ].filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) throw new InstrumentOptionError(problems);
  return resolved;
}

const DECIMAL_INTEGER = /^-?\d+$/;

/**
 * Options from the environment variables the lab's apps use (LOOPLAB_ATTRIBUTION=on|off,
 * LOOPLAB_STALL_THRESHOLD_MS, LOOPLAB_PROFILE_INTERVAL_MS, ...). A bad value is an error naming
 * the variable and its range. (LOOPLAB_STALL_SAMPLE_INTERVAL_MS is the Python watchdog's: it
 * samples only while the loop is late, so its default can be finer than a profiler's that never
 * stops.)
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): InstrumentOptions {
  const options: InstrumentOptions = {};
  const problems: string[] = [];
  const attribution = env.LOOPLAB_ATTRIBUTION;
  if (attribution !== undefined && attribution !== '') {
    if (attribution === 'on' || attribution === 'off') options.attribution = attribution === 'on';
    else problems.push(`LOOPLAB_ATTRIBUTION=${JSON.stringify(attribution)}: must be on or off`);
  }
  for (const [name, { min, max, env: variable }] of Object.entries(SETTING_BOUNDS)) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!DECIMAL_INTEGER.test(raw) || value < min || value > max) {
      problems.push(
        `${variable}=${JSON.stringify(raw)}: must be a decimal integer from ${min} to ${max}`,
      );
      continue;
    }
    options[name as BoundedSetting] = value;
  }
  if (problems.length > 0) throw new InstrumentOptionError(problems);
  return options;
}
