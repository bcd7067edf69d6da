/** Every query of the committed dashboards parses as PromQL (the pinned promtool). */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allPanelQueries, SAMPLE_VARIABLE_VALUES, substituteVariables } from '../../src/extract.js';
import { checkParses } from '../support/promtool.js';

const GENERATED = resolve(__dirname, '..', '..', 'generated');

const committed = (): string[] =>
  readdirSync(GENERATED)
    .filter((name) => name.endsWith('.json'))
    .map((name) => readFileSync(resolve(GENERATED, name), 'utf8'));

describe('every query parses as PromQL (promtool check rules)', () => {
  it('with Grafana variables replaced by sample values', () => {
    const queries = committed().flatMap((text) => allPanelQueries(JSON.parse(text)));
    expect(queries.length).toBeGreaterThan(50);
    const result = checkParses(
      queries.map((q) => ({
        name: `${q.dashboard} / ${q.panelTitle} / ${q.refId}`,
        expr: substituteVariables(q.promql, SAMPLE_VARIABLE_VALUES),
      })),
    );
    expect(result.output).toContain(`SUCCESS: ${queries.length} rules found`);
    expect(result.status, result.output).toBe(0);
  });

  it('and the check really fails on a broken expression', () => {
    const result = checkParses([
      { name: 'good', expr: 'sum(rate(up[1m]))' },
      { name: 'broken', expr: 'sum(rate(up[1m])' },
    ]);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/group "broken #1".*unclosed left parenthesis/);
  });
});
