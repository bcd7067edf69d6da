import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STRATEGY_NAMES } from '@looplab/contract';
import { afterAll, describe, expect, it } from 'vitest';
import type { Budget, Strategy, StrategyResult } from '../model.js';
import { blankStrategyResult } from './__fixtures__/strategy-result.js';
import { BudgetFileError, evaluateBudgets, loadBudgets, metricValue } from './budgets.js';

const dir = mkdtempSync(join(tmpdir(), 'looplab-budgets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** Writes `content` (a string as is, anything else as JSON) to a fresh temp file. */
function budgetFile(content: unknown): string {
  files += 1;
  const path = join(dir, `budgets-${files}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function loadError(content: unknown): BudgetFileError {
  const path = budgetFile(content);
  try {
    loadBudgets(path);
  } catch (error) {
    expect(error).toBeInstanceOf(BudgetFileError);
    const message = (error as Error).message;
    expect(message).toContain(path);
    expect((error as Error).name).toBe('BudgetFileError');
    return error as BudgetFileError;
  }
  throw new Error(`loadBudgets accepted ${JSON.stringify(content)}`);
}

const ratioBudget: Budget = {
  name: 'pooled.probe.p99 <= 1.5 x async',
  strategy: 'pooled',
  metric: 'probe.p99',
  maxRatio: 1.5,
};
const msBudget: Budget = {
  name: 'blocking lag under 250 ms',
  strategy: 'blocking',
  metric: 'eventLoop.lagMaxMs',
  maxMs: 250,
};

describe('loadBudgets', () => {
  it('reads a valid file', () => {
    const path = budgetFile({ budgets: [ratioBudget, msBudget] });
    expect(loadBudgets(path)).toEqual([ratioBudget, msBudget]);
  });

  it('reads an empty list', () => {
    expect(loadBudgets(budgetFile({ budgets: [] }))).toEqual([]);
  });

  it('accepts every metric and strategy', () => {
    const metrics: Budget['metric'][] = [
      'probe.p50',
      'probe.p95',
      'probe.p99',
      'probe.max',
      'eventLoop.lagMaxMs',
    ];
    const strategies: Strategy[] = ['async', 'blocking', 'pooled'];
    const budgets = metrics.flatMap((metric) =>
      strategies.map((strategy) => ({ name: `${strategy} ${metric}`, strategy, metric, maxMs: 1 })),
    );
    expect(loadBudgets(budgetFile({ budgets }))).toHaveLength(15);
  });

  it('rejects a missing or empty name, naming the entry', () => {
    const { name: _, ...noName } = msBudget;
    expect(loadError({ budgets: [ratioBudget, noName] }).message).toContain(
      'budgets[1].name is missing (lab/schema/budgets.schema.json)',
    );
    expect(loadError({ budgets: [{ ...msBudget, name: '' }] }).message).toContain(
      'budgets[0].name must not be empty',
    );
    expect(loadError({ budgets: [{ ...msBudget, name: 42 }] }).message).toContain(
      'budgets[0].name must be a string',
    );
  });

  it('rejects an unknown strategy', () => {
    expect(loadError({ budgets: [{ ...ratioBudget, strategy: 'threaded' }] }).message).toContain(
      `budgets[0].strategy must be one of ${STRATEGY_NAMES.join(', ')}`,
    );
    const { strategy: _, ...noStrategy } = ratioBudget;
    expect(loadError({ budgets: [ratioBudget, ratioBudget, noStrategy] }).message).toContain(
      'budgets[2].strategy is missing',
    );
  });

  it('rejects an unknown metric', () => {
    const message = loadError({ budgets: [{ ...ratioBudget, metric: 'probe.p999' }] }).message;
    expect(message).toContain(
      'budgets[0].metric must be one of probe.p50, probe.p95, probe.p99, probe.max, eventLoop.lagMaxMs',
    );
  });

  it('rejects both maxRatio and maxMs, and neither', () => {
    const both = loadError({ budgets: [{ ...ratioBudget, maxMs: 10 }] }).message;
    expect(both).toContain(
      'budgets[0] needs exactly one of maxRatio, maxOverMs or maxMs (a positive number)',
    );
    const { maxRatio: _, ...neither } = ratioBudget;
    expect(loadError({ budgets: [msBudget, neither] }).message).toContain(
      'budgets[1] needs exactly one of maxRatio, maxOverMs or maxMs',
    );
  });

  it('rejects a limit that is not a positive number', () => {
    for (const bad of [0, -1, null]) {
      expect(loadError({ budgets: [{ ...ratioBudget, maxRatio: bad }] }).message).toContain(
        'budgets[0] needs exactly one of maxRatio, maxOverMs or maxMs',
      );
      expect(loadError({ budgets: [{ ...msBudget, maxMs: bad }] }).message).toContain(
        'budgets[0] needs exactly one of maxRatio, maxOverMs or maxMs',
      );
    }
    // Not a number at all: the schema says so.
    expect(loadError({ budgets: [{ ...ratioBudget, maxRatio: '1.5' }] }).message).toContain(
      'budgets[0].maxRatio must be a number or null',
    );
  });

  it('rejects a file without a budgets array', () => {
    expect(loadError({ budgets: { a: ratioBudget } }).message).toContain(
      'budgets must be an array',
    );
    expect(loadError({ budget: [ratioBudget] }).message).toContain('budgets is missing');
    for (const notAnObject of [[ratioBudget], '"budgets"', 'null'])
      expect(loadError(notAnObject).message).toContain('the file must be an object');
  });

  it('rejects an entry that is not an object', () => {
    expect(loadError({ budgets: [null] }).message).toContain('budgets[0] must be an object');
    expect(loadError({ budgets: [msBudget, 'p99 < 5'] }).message).toContain(
      'budgets[1] must be an object',
    );
  });

  it('rejects a field it does not know, so a typo does not pass silently', () => {
    const { maxMs: _, ...noLimit } = msBudget;
    expect(loadError({ budgets: [{ ...noLimit, maxMS: 250 }] }).message).toContain(
      'budgets[0].maxMS is not a field of budgets[0]',
    );
  });

  it('rejects invalid JSON and a missing file with the path', () => {
    expect(loadError('{ "budgets": [ ').message).toMatch(/^budget file .*: .*JSON/);
    const missing = join(dir, 'does-not-exist.json');
    expect(() => loadBudgets(missing)).toThrow(BudgetFileError);
    expect(() => loadBudgets(missing)).toThrow(missing);
  });

  it('drops a null or zero limit next to the valid one, so it stays an absolute budget', () => {
    for (const unused of [null, 0]) {
      const [budget] = loadBudgets(budgetFile({ budgets: [{ ...msBudget, maxRatio: unused }] }));
      expect(budget).toEqual(msBudget);
      // Evaluated as the absolute budget it was accepted as: 200 ms ≤ 250 ms.
      const [result] = evaluateBudgets(
        [budget as Budget],
        [result_('blocking', { lagMaxMs: 200 })],
        'async',
      );
      expect(result).toMatchObject({ actual: 200, limit: 250, passed: true });
    }
  });
});

/** A StrategyResult with only the numbers budgets look at; everything else is irrelevant. */
function result_(
  strategy: Strategy,
  values: { p50?: number; p95?: number; p99?: number; max?: number; lagMaxMs?: number },
): StrategyResult {
  const blank = blankStrategyResult(strategy);
  const nan = Number.NaN;
  return {
    ...blank,
    probe: {
      ...blank.probe,
      count: 100,
      throughputRps: 50,
      p50: values.p50 ?? nan,
      p95: values.p95 ?? nan,
      p99: values.p99 ?? nan,
      max: values.max ?? nan,
    },
    eventLoop: { ...blank.eventLoop, lagMaxMs: values.lagMaxMs ?? nan },
  };
}

describe('metricValue', () => {
  it('reads each metric from its own field', () => {
    const r = result_('async', { p50: 1, p95: 2, p99: 3, max: 4, lagMaxMs: 5 });
    expect(metricValue(r, 'probe.p50')).toBe(1);
    expect(metricValue(r, 'probe.p95')).toBe(2);
    expect(metricValue(r, 'probe.p99')).toBe(3);
    expect(metricValue(r, 'probe.max')).toBe(4);
    expect(metricValue(r, 'eventLoop.lagMaxMs')).toBe(5);
  });
});

describe('evaluateBudgets', () => {
  const results = [
    result_('async', { p50: 1, p95: 2, p99: 4, max: 10, lagMaxMs: 5 }),
    result_('blocking', { p50: 2, p95: 150, p99: 200, max: 220, lagMaxMs: 210 }),
    result_('pooled', { p50: 1.2, p95: 3, p99: 5, max: 30, lagMaxMs: 6 }),
  ];

  it('reports a ratio budget as ratios to the baseline (5 / 4 = 1.25 ≤ 1.5)', () => {
    expect(evaluateBudgets([ratioBudget], results, 'async')).toEqual([
      { ...ratioBudget, actual: 1.25, limit: 1.5, passed: true },
    ]);
  });

  it('fails a ratio budget above its limit (200 / 4 = 50 > 1.5)', () => {
    const budget: Budget = { ...ratioBudget, strategy: 'blocking' };
    expect(evaluateBudgets([budget], results, 'async')).toEqual([
      { ...budget, actual: 50, limit: 1.5, passed: false },
    ]);
  });

  it('uses the same metric on both sides of a ratio', () => {
    const budget: Budget = { name: 'max', strategy: 'pooled', metric: 'probe.max', maxRatio: 2 };
    // 30 / 10 = 3 > 2
    expect(evaluateBudgets([budget], results, 'async')[0]).toMatchObject({
      actual: 3,
      limit: 2,
      passed: false,
    });
    const p50: Budget = { name: 'p50', strategy: 'pooled', metric: 'probe.p50', maxRatio: 1.25 };
    expect(evaluateBudgets([p50], results, 'async')[0]).toMatchObject({
      actual: 1.2,
      passed: true,
    });
  });

  it('reports an absolute budget in ms', () => {
    expect(evaluateBudgets([msBudget], results, 'async')).toEqual([
      { ...msBudget, actual: 210, limit: 250, passed: true },
    ]);
    const tight: Budget = { ...msBudget, maxMs: 100 };
    expect(evaluateBudgets([tight], results, 'async')[0]).toMatchObject({
      actual: 210,
      limit: 100,
      passed: false,
    });
  });

  it('passes a value exactly at the limit', () => {
    const atRatio: Budget = { ...ratioBudget, maxRatio: 1.25 };
    const atMs: Budget = { ...msBudget, maxMs: 210 };
    const evaluated = evaluateBudgets([atRatio, atMs], results, 'async');
    expect(evaluated.map((b) => [b.actual, b.limit, b.passed])).toEqual([
      [1.25, 1.25, true],
      [210, 210, true],
    ]);
  });

  it('gives no result for a strategy that was not measured, keeping the order of the rest', () => {
    const onlyAsyncAndBlocking = [results[0], results[1]] as StrategyResult[];
    const evaluated = evaluateBudgets([ratioBudget, msBudget], onlyAsyncAndBlocking, 'async');
    expect(evaluated.map((b) => b.name)).toEqual([msBudget.name]);
    expect(evaluateBudgets([ratioBudget, msBudget], [], 'async')).toEqual([]);
  });

  it('fails a ratio budget without a baseline (actual NaN) but still checks absolute ones', () => {
    const noBaseline = [results[1], results[2]] as StrategyResult[];
    const [ratioResult, msResult] = evaluateBudgets([ratioBudget, msBudget], noBaseline, 'async');
    expect(ratioResult?.actual).toBeNaN();
    expect(ratioResult?.limit).toBe(1.5);
    expect(ratioResult?.passed).toBe(false);
    expect(msResult).toMatchObject({ actual: 210, limit: 250, passed: true });
  });

  it('fails a ratio budget when the baseline value is 0 or missing', () => {
    const zeroBase = [result_('async', { p99: 0 }), results[2] as StrategyResult];
    const [zero] = evaluateBudgets([ratioBudget], zeroBase, 'async');
    expect(zero?.actual).toBeNaN();
    expect(zero?.passed).toBe(false);
    const nanBase = [result_('async', {}), results[2] as StrategyResult];
    expect(evaluateBudgets([ratioBudget], nanBase, 'async')[0]?.passed).toBe(false);
  });

  it('never passes a NaN actual, however generous the limit', () => {
    const noProbes = [result_('async', { p99: 4 }), result_('pooled', {})];
    const generous: Budget[] = [
      { name: 'abs', strategy: 'pooled', metric: 'probe.p99', maxMs: Number.MAX_VALUE },
      { name: 'ratio', strategy: 'pooled', metric: 'probe.p99', maxRatio: Number.MAX_VALUE },
    ];
    const evaluated = evaluateBudgets(generous, noProbes, 'async');
    expect(evaluated).toHaveLength(2);
    for (const b of evaluated) {
      expect(b.actual).toBeNaN();
      expect(b.passed).toBe(false);
    }
  });

  it('compares against the baseline it is given', () => {
    // pooled p99 over blocking p99: 5 / 200 = 0.025
    const [r] = evaluateBudgets([ratioBudget], results, 'blocking');
    expect(r?.actual).toBeCloseTo(0.025, 12);
    expect(r?.passed).toBe(true);
  });
});
