/**
 * The pinned promtool (found by the lab's tool resolver) as a PromQL parser and evaluator in tests:
 * `check rules` parses every expression of a rules file, `test rules` evaluates expressions
 * against synthetic series with the real Prometheus engine. JSON is valid YAML, so no YAML
 * library is needed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool } from '../../../lab/src/tools/index.js';

export interface PromtoolResult {
  status: number;
  output: string;
}

/** Throws naming the fix (`npm run setup`) when the pinned promtool is absent: the test fails, it is not skipped. */
function run(args: string[], files: Record<string, unknown>): PromtoolResult {
  const promtool = findTool('promtool').path;
  const dir = mkdtempSync(join(tmpdir(), 'looplab-promtool-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), JSON.stringify(content, null, 1));
    }
    const result = spawnSync(promtool, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface NamedExpr {
  /** Shown in promtool's error message (the rule group's name). */
  name: string;
  expr: string;
}

/**
 * Parses every expression as a recording rule, one group per expression so that a parse error
 * names the query. Returns promtool's status and output.
 */
export function checkParses(exprs: NamedExpr[]): PromtoolResult {
  const groups = exprs.map(({ name, expr }, index) => ({
    name: `${name} #${index}`,
    rules: [{ record: `looplab:dashboard_query:q${index}`, expr }],
  }));
  return run(['check', 'rules', '--lint=none', 'rules.json'], { 'rules.json': { groups } });
}

export interface ExprTest {
  expr: string;
  eval_time: string;
  exp_samples: Array<{ labels: string; value: number }>;
}

/** Evaluates expressions against input series (promtool test rules, no rule files). */
export function testExpressions(spec: {
  interval: string;
  input_series: Array<{ series: string; values: string }>;
  promql_expr_test: ExprTest[];
}): PromtoolResult {
  return run(['test', 'rules', 'test.json'], {
    'rules.json': { groups: [] },
    'test.json': { rule_files: ['rules.json'], evaluation_interval: spec.interval, tests: [spec] },
  });
}
