import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isStrategyName,
  isWorkloadKind,
  STRATEGY_NAMES,
  type StrategyName,
  WORKLOAD_KINDS,
  type WorkloadKind,
} from '@looplab/contract';
import type { Budget, Role } from '../model.js';
import { REPO_ROOT } from '../tools/repo-root.js';
import { parseThresholds } from './thresholds.js';

/** One preset of load/scenarios.json: how long, which strategies, and the thresholds checked after. */
export interface Preset {
  does: string;
  warmupS: number;
  durationS: number;
  /** Strategy names, or "all" (every strategy of the runtimes asked for). */
  strategies: readonly StrategyName[] | 'all';
  thresholds: Budget[];
}

/** load/scenarios.json, checked. */
export interface Scenarios {
  roles: Record<Role, { does: string; ratePerS: number }>;
  job: { workload: WorkloadKind; sizeMs: number };
  timeoutS: number;
  presets: Record<string, Preset>;
  defaultPreset: string;
}

export const SCENARIOS_FILE = join(REPO_ROOT, 'load', 'scenarios.json');

export class ScenarioFileError extends Error {
  constructor(path: string, problem: string) {
    super(`scenario file ${path}: ${problem}`);
    this.name = 'ScenarioFileError';
  }
}

const positive = (value: unknown): value is number => typeof value === 'number' && value > 0;

/** Reads and checks the scenarios; every problem names the field. */
export function loadScenarios(path = SCENARIOS_FILE): Scenarios {
  const fail = (problem: string): never => {
    throw new ScenarioFileError(path, problem);
  };
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const roles = data.roles as Scenarios['roles'] | undefined;
  for (const role of ['probe', 'trigger'] as const)
    if (!Number.isInteger(roles?.[role]?.ratePerS) || !positive(roles?.[role]?.ratePerS))
      fail(`roles.${role}.ratePerS must be a positive integer`);
  const job = data.job as Scenarios['job'] | undefined;
  if (!isWorkloadKind(String(job?.workload)))
    fail(`job.workload must be one of ${WORKLOAD_KINDS.join(', ')}`);
  if (!positive(job?.sizeMs)) fail('job.sizeMs must be a positive number');
  if (!positive(data.timeoutS)) fail('timeoutS must be a positive number');
  const presets: Record<string, Preset> = {};
  for (const [name, raw] of Object.entries((data.presets ?? {}) as Record<string, Preset>)) {
    const at = `presets.${name}`;
    if (!(typeof raw.warmupS === 'number' && raw.warmupS >= 0))
      fail(`${at}.warmupS must be a number >= 0`);
    if (!positive(raw.durationS)) fail(`${at}.durationS must be a positive number`);
    const strategies = raw.strategies;
    if (
      strategies !== 'all' &&
      !(Array.isArray(strategies) && strategies.length > 0 && strategies.every(isStrategyName))
    )
      fail(`${at}.strategies must be "all" or a list of ${STRATEGY_NAMES.join(', ')}`);
    presets[name] = {
      does: String(raw.does ?? ''),
      warmupS: raw.warmupS,
      durationS: raw.durationS,
      strategies,
      thresholds: parseThresholds(raw.thresholds ?? [], `${at}.thresholds`, fail),
    };
  }
  const defaultPreset = String(data.defaultPreset);
  if (!(defaultPreset in presets)) fail(`defaultPreset must name one of the presets`);
  return {
    roles: roles as Scenarios['roles'],
    job: job as Scenarios['job'],
    timeoutS: data.timeoutS as number,
    presets,
    defaultPreset,
  };
}
