import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { strategiesOf } from '@looplab/contract';
import { describe, expect, it } from 'vitest';
import { servedStrategies, strayFeatures, unservedStrategies } from './registry.js';

const folders = readdirSync(__dirname).filter((entry) =>
  statSync(join(__dirname, entry)).isDirectory(),
);

describe('strategy registry', () => {
  it('registers only Node strategies of the contract', () => {
    expect(strayFeatures()).toEqual([]);
  });

  it('serves every Node strategy of the contract, in contract order', () => {
    expect(unservedStrategies()).toEqual([]);
    expect(servedStrategies().map(({ definition }) => definition.name)).toEqual(
      strategiesOf('node').map((definition) => definition.name),
    );
  });

  it('has one folder per served strategy and no folder that is not one', () => {
    expect([...folders].sort()).toEqual(
      servedStrategies()
        .map(({ definition }) => definition.name)
        .sort(),
    );
  });

  it('gives every strategy a controller, and an executor unless it runs no task', () => {
    for (const { definition, feature } of servedStrategies()) {
      expect(feature.name).toBe(definition.name);
      expect(typeof feature.controller).toBe('function');
      if (definition.name !== 'async') expect(typeof feature.executor).toBe('function');
    }
  });
});
