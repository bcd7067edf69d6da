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
import { schemaProblem } from '../schemas.js';
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
  const problem = schemaProblem('scenarios', data);
  if (problem) fail(`${problem} (lab/schema/scenarios.schema.json)`);
  const checked = data as unknown as Omit<Scenarios, 'presets'> & {
    presets: Record<string, Omit<Preset, 'thresholds'> & { thresholds: Partial<Budget>[] }>;
  };
  // What the schema cannot know: the contract's names.
  if (!isWorkloadKind(checked.job.workload))
    fail(`job.workload must be one of ${WORKLOAD_KINDS.join(', ')}`);
  const presets: Record<string, Preset> = {};
  for (const [name, raw] of Object.entries(checked.presets)) {
    const at = `presets.${name}`;
    if (raw.strategies !== 'all' && !raw.strategies.every(isStrategyName))
      fail(`${at}.strategies must be "all" or a list of ${STRATEGY_NAMES.join(', ')}`);
    presets[name] = {
      ...raw,
      thresholds: parseThresholds(raw.thresholds, `${at}.thresholds`, fail),
    };
  }
  const defaultPreset = String(data.defaultPreset);
  if (!(defaultPreset in presets)) fail(`defaultPreset must name one of the presets`);
  return {
    roles: checked.roles,
    job: checked.job,
    timeoutS: checked.timeoutS,
    presets,
    defaultPreset,
  };
}
