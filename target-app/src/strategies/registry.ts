import { type StrategyDefinition, strategiesOf } from '@looplab/contract';
import { asyncStrategy } from './async/index.js';
import { blockingStrategy } from './blocking/index.js';
import { chunkedStrategy } from './chunked/index.js';
import { inlineStrategy } from './inline/index.js';
import { pooledStrategy } from './pooled/index.js';
import { processStrategy } from './process/index.js';
import { queueStrategy } from './queue/index.js';
import type { StrategyFeature } from './strategy.js';

/** Every strategy folder, by name. Adding a strategy: its folder, one line here, its contract entry. */
const FEATURES: readonly StrategyFeature[] = [
  asyncStrategy,
  inlineStrategy,
  blockingStrategy,
  chunkedStrategy,
  pooledStrategy,
  processStrategy,
  queueStrategy,
];

export interface ServedStrategy {
  definition: StrategyDefinition;
  feature: StrategyFeature;
}

/** The Node strategies of the contract that have a folder here, in contract order. */
export function servedStrategies(): ServedStrategy[] {
  return strategiesOf('node').flatMap((definition) => {
    const feature = FEATURES.find((candidate) => candidate.name === definition.name);
    return feature ? [{ definition, feature }] : [];
  });
}

/** Contract strategies for this runtime that no folder serves yet (logged at start-up). */
export function unservedStrategies(): string[] {
  const served = new Set(FEATURES.map((feature) => feature.name));
  return strategiesOf('node')
    .map((definition) => definition.name)
    .filter((name) => !served.has(name));
}

/** Features that are not Node strategies of the contract: a mistake the registry test catches. */
export function strayFeatures(): string[] {
  const names = new Set<string>(strategiesOf('node').map((definition) => definition.name));
  return FEATURES.map((feature) => feature.name).filter((name) => !names.has(name));
}
