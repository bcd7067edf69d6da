import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleReport } from '../test/fixtures/sample-report.js';
import { blockingStalls, sampleReportWithStalls } from '../test/fixtures/sample-stalls.js';
import { toJson } from './render/report-folder.js';
import { SCHEMA_DIR, schemaProblem } from './schemas.js';
import { REPO_ROOT } from './tools/index.js';

const asWritten = (value: unknown): unknown => JSON.parse(toJson(value));
const readJson = (...path: string[]): unknown =>
  JSON.parse(readFileSync(join(REPO_ROOT, ...path), 'utf8'));

describe('the JSON Schemas in lab/schema', () => {
  it('are where SCHEMA_DIR says, one per file looplab reads or writes', () => {
    expect(SCHEMA_DIR).toBe(join(REPO_ROOT, 'lab', 'schema'));
  });

  it('accept the repo’s own scenarios and budget file', () => {
    expect(schemaProblem('scenarios', readJson('load', 'scenarios.json'))).toBeUndefined();
    expect(schemaProblem('budgets', readJson('looplab.budgets.json'))).toBeUndefined();
  });

  it('accept a report as report.json holds it (NaN as null)', () => {
    expect(schemaProblem('report', asWritten(sampleReport()))).toBeUndefined();
  });

  it('accept a report with stalls, and the stall list an app answers', () => {
    expect(schemaProblem('report', asWritten(sampleReportWithStalls()))).toBeUndefined();
    const answer = {
      schemaVersion: 1,
      runtime: 'node',
      attribution: true,
      thresholdMs: 50,
      sampleIntervalMs: 5,
      next: 2,
      dropped: 0,
      stalls: blockingStalls(2),
    };
    expect(schemaProblem('stalls', answer)).toBeUndefined();
    expect(schemaProblem('stalls', { ...answer, stalls: [{ seq: 1 }] })).toBe(
      'stalls[0].startMs is missing',
    );
  });

  it('name the field of the first problem', () => {
    // biome-ignore lint/suspicious/noExplicitAny: the test breaks arbitrary fields of the JSON
    const report = asWritten(sampleReport()) as Record<string, any>;
    report.strategies[1].eventLoop.lagMaxMs = '212 ms';
    expect(schemaProblem('report', report)).toBe(
      'strategies[1].eventLoop.lagMaxMs must be a number or null',
    );
    delete report.strategies[1].row;
    expect(schemaProblem('report', report)).toBe('strategies[1].row is missing');
    // biome-ignore lint/suspicious/noExplicitAny: as above
    const extra = asWritten(sampleReport()) as Record<string, any>;
    extra.series[0].lagP99Ms = 3;
    expect(schemaProblem('report', extra)).toBe('series[0].lagP99Ms is not a field of series[0]');
  });

  it('refuse a report of schema version 2 (it has no stalls)', () => {
    const old = { ...(asWritten(sampleReport()) as object), schemaVersion: 2 };
    expect(schemaProblem('report', old)).toBe('schemaVersion must be 3');
  });
});
