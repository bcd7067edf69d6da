import type { Strategy, StrategyResult } from '../../model.js';

const nan = Number.NaN;

/**
 * Test fixture: a StrategyResult with every number unknown (NaN) or zero, for specs that set
 * only the fields the code under test reads.
 */
export function blankStrategyResult(strategy: Strategy): StrategyResult {
  return {
    strategy,
    target: 'node',
    workload: 'cpu',
    instrumentation: 'on',
    row: strategy,
    probe: {
      count: 0,
      throughputRps: nan,
      p50: nan,
      p90: nan,
      p95: nan,
      p99: nan,
      max: nan,
      errors: 0,
    },
    probeServer: { p50Ms: nan, p99Ms: nan },
    trigger: { expected: 0, sent: 0, accepted: 0, rejected: 0, errors: 0, p50: nan, p99: nan },
    droppedIterations: 0,
    eventLoop: { lagP50Ms: nan, lagP99Ms: nan, lagMaxMs: nan, utilization: nan },
    tasks: {
      completed: 0,
      failed: 0,
      rejected: 0,
      waitP50Ms: nan,
      waitP95Ms: nan,
      waitP99Ms: nan,
      runP50Ms: nan,
      runP95Ms: nan,
      runP99Ms: nan,
    },
    resolution: {},
    ratios: { probeP50: nan, probeP95: nan, probeP99: nan, probeMax: nan, lagMax: nan },
  };
}
