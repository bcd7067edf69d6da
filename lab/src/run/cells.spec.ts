import { strategiesOf } from '@looplab/contract';
import { describe, expect, it } from 'vitest';
import { cellsOf, unavailableStrategies } from './cells.js';

describe('cellsOf', () => {
  it('runs every strategy of each target with "all", in contract order', () => {
    const cells = cellsOf({
      targets: ['node', 'fastapi'],
      strategies: 'all',
      workloads: ['cpu'],
      instrumentation: ['on'],
    });
    expect(cells.map((c) => `${c.target}:${c.strategy}`)).toEqual([
      ...strategiesOf('node').map((s) => `node:${s.name}`),
      ...strategiesOf('fastapi').map((s) => `fastapi:${s.name}`),
    ]);
  });

  it('crosses tracing modes and workloads, and keeps a named strategy only where it exists', () => {
    const matrix = {
      targets: ['node', 'fastapi'] as const,
      strategies: ['async', 'pooled'] as const,
      workloads: ['cpu', 'sleep'] as const,
      instrumentation: ['off', 'on'] as const,
    };
    const cells = cellsOf(matrix);
    expect(cells).toHaveLength(2 * 2 * 2 + 1 * 2 * 2); // node: async, pooled; fastapi: async
    expect(cells[0]).toEqual({
      target: 'node',
      strategy: 'async',
      workload: 'cpu',
      instrumentation: 'off',
    });
    expect(cells.filter((c) => c.target === 'fastapi').every((c) => c.strategy === 'async')).toBe(
      true,
    );
    expect(unavailableStrategies(matrix)).toEqual([]);
    expect(unavailableStrategies({ ...matrix, targets: ['fastapi'] })).toEqual(['pooled']);
  });
});
