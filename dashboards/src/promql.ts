/**
 * PromQL read with Prometheus's own grammar (@prometheus-io/lezer-promql, the parser of the
 * Prometheus UI), for the lint rules and tests: which metrics a query selects, and every range
 * and subquery window with the function it belongs to.
 *
 * Dashboard queries still contain Grafana variables ($__rate_interval in a range, "$instance" in
 * a matcher), which are not PromQL. Each reference is swapped for a placeholder duration before
 * parsing (valid wherever a variable may stand in these queries) and swapped back in the results.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { replaceVariables } from './grafana-variables.js';

/** A node of the syntax tree (the type @lezer/common exports, taken from the parser itself). */
type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

interface Parsed {
  text: string;
  top: SyntaxNode;
  /** Placeholder duration -> the variable reference it replaced. */
  original: Map<string, string>;
}

/** Parses a query (Grafana variables allowed); throws naming the position of a syntax error. */
export function parsePromQL(expr: string): Parsed {
  const original = new Map<string, string>();
  const text = replaceVariables(expr, (_name, reference) => {
    const placeholder = `${1_000_000_000 + original.size}s`;
    original.set(placeholder, reference);
    return placeholder;
  });
  const tree = parser.parse(text);
  let errorAt: number | undefined;
  tree.iterate({
    enter(node) {
      if (errorAt === undefined && node.type.isError) errorAt = node.from;
      return errorAt === undefined;
    },
  });
  if (errorAt !== undefined) {
    throw new Error(`PromQL does not parse at character ${errorAt + 1}: ${expr}`);
  }
  return { text, top: tree.topNode, original };
}

const textOf = (parsed: Parsed, node: SyntaxNode): string => {
  const raw = parsed.text.slice(node.from, node.to).trim();
  return parsed.original.get(raw) ?? raw;
};

function descendants(node: SyntaxNode, name: string): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const cursor = node.cursor();
  do {
    if (cursor.name === name) found.push(cursor.node);
  } while (cursor.next() && cursor.from <= node.to);
  return found.filter((n) => n.from >= node.from && n.to <= node.to);
}

/** Metric names the expression selects (`name{...}`), in order of first use. */
export function metricNames(expr: string): string[] {
  const parsed = parsePromQL(expr);
  const names: string[] = [];
  for (const selector of descendants(parsed.top, 'VectorSelector')) {
    const identifier = selector.getChild('Identifier');
    const name = identifier ? textOf(parsed, identifier) : undefined;
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

export interface RangeUse {
  /** Function whose direct argument the range is (e.g. rate, max_over_time), or '' if none. */
  fn: string;
  /** The window, e.g. "$__rate_interval" or, for a subquery "[a:b]", "a". */
  range: string;
  /** Subquery step ("b" in "[a:b]", "" in "[a:]"), undefined for a plain range selector. */
  step?: string;
}

const DURATION = 'NumberDurationLiteralInDurationContext';

/** Name of the function (or aggregation) a node is the direct argument of, '' otherwise. */
function enclosingFunction(parsed: Parsed, node: SyntaxNode): string {
  const body = node.parent;
  if (body?.name !== 'FunctionCallBody') return '';
  const call = body.parent;
  const identifier = call?.getChild('FunctionIdentifier') ?? call?.getChild('AggregateOp');
  return identifier ? textOf(parsed, identifier) : '';
}

/** Every range selector and subquery window, in the order they appear. */
export function rangeUses(expr: string): RangeUse[] {
  const parsed = parsePromQL(expr);
  const windows = [
    ...descendants(parsed.top, 'MatrixSelector'),
    ...descendants(parsed.top, 'SubqueryExpr'),
  ].sort((a, b) => a.to - b.to);
  return windows.map((node) => {
    const fn = enclosingFunction(parsed, node);
    const [range, step] = node.getChildren(DURATION).map((d) => textOf(parsed, d));
    if (node.name === 'MatrixSelector') return { fn, range: range ?? '' };
    return { fn, range: range ?? '', step: step ?? '' };
  });
}
