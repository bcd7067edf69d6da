/**
 * Just enough PromQL lexing for the lint rules and tests: metric names, range selectors and the
 * functions they belong to, Grafana variables. Not a parser (promtool does the real parse in the
 * tests); it only has to be right about the token structure: strings, {label matchers},
 * [ranges], (groups), identifiers.
 */

export type Token =
  | { kind: 'ident'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'matchers'; text: string; at: number }
  | { kind: 'range'; text: string; at: number }
  | { kind: 'punct'; text: string; at: number }
  | { kind: 'number'; text: string; at: number }
  | { kind: 'variable'; text: string; at: number };

const IDENT_START = /[A-Za-z_:]/;
const IDENT_PART = /[A-Za-z0-9_:]/;

/** Grafana variables: $name, ${name}, ${name:format}, [[name]], [[name:format]]. */
const VARIABLE_RE = /\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]/g;

/** Names of the Grafana variables referenced in a text, in order of first use. */
export function variablesIn(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(VARIABLE_RE)) {
    const name = match[1] ?? match[2] ?? match[3];
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

function readString(expr: string, start: number): number {
  const quote = expr[start];
  let i = start + 1;
  while (i < expr.length && expr[i] !== quote) {
    if (expr[i] === '\\' && quote !== '`') i++;
    i++;
  }
  if (i >= expr.length) throw new Error(`unterminated string at ${start} in: ${expr}`);
  return i + 1;
}

export function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < expr.length && expr[i] !== '\n') i++;
    } else if (c === '"' || c === "'" || c === '`') {
      const end = readString(expr, i);
      tokens.push({ kind: 'string', text: expr.slice(i + 1, end - 1), at: i });
      i = end;
    } else if (c === '{') {
      let j = i + 1;
      while (j < expr.length && expr[j] !== '}') {
        const d = expr[j] as string;
        j = d === '"' || d === "'" || d === '`' ? readString(expr, j) : j + 1;
      }
      if (j >= expr.length) throw new Error(`unclosed { at ${i} in: ${expr}`);
      tokens.push({ kind: 'matchers', text: expr.slice(i + 1, j), at: i });
      i = j + 1;
    } else if (c === '[' && expr[i + 1] === '[') {
      const end = expr.indexOf(']]', i);
      if (end < 0) throw new Error(`unclosed [[ at ${i} in: ${expr}`);
      tokens.push({ kind: 'variable', text: expr.slice(i, end + 2), at: i });
      i = end + 2;
    } else if (c === '[') {
      const end = expr.indexOf(']', i);
      if (end < 0) throw new Error(`unclosed [ at ${i} in: ${expr}`);
      tokens.push({ kind: 'range', text: expr.slice(i + 1, end).trim(), at: i });
      i = end + 1;
    } else if (c === '$') {
      const match = /^\$\{[^}]*\}|^\$\w+/.exec(expr.slice(i));
      const text = match?.[0] ?? '$';
      tokens.push({ kind: 'variable', text, at: i });
      i += text.length;
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < expr.length && IDENT_PART.test(expr[j] as string)) j++;
      tokens.push({ kind: 'ident', text: expr.slice(i, j), at: i });
      i = j;
    } else if (/[0-9.]/.test(c)) {
      let j = i + 1;
      // Digits, a fraction, an exponent (1e-3) or duration units (10s, 1h30m).
      while (j < expr.length) {
        const d = expr[j] as string;
        const exponentSign = (d === '+' || d === '-') && /[0-9.][eE]$/.test(expr.slice(i, j));
        if (!/[0-9.A-Za-z]/.test(d) && !exponentSign) break;
        j++;
      }
      tokens.push({ kind: 'number', text: expr.slice(i, j), at: i });
      i = j;
    } else {
      const two = expr.slice(i, i + 2);
      const text = ['==', '!=', '>=', '<=', '=~', '!~'].includes(two) ? two : c;
      tokens.push({ kind: 'punct', text, at: i });
      i += text.length;
    }
  }
  return tokens;
}

/** Keywords followed by a parenthesised list of label names. */
const LABEL_LIST_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
]);
const KEYWORDS = new Set([
  ...LABEL_LIST_KEYWORDS,
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'atan2',
  'Inf',
  'NaN',
  'inf',
  'nan',
]);

/** Metric names selected by the expression (identifiers that are neither functions, keywords nor labels). */
export function metricNames(expr: string): string[] {
  const tokens = tokenize(expr);
  const names: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.kind !== 'ident') continue;
    const next = tokens[i + 1];
    if (LABEL_LIST_KEYWORDS.has(token.text) && next?.kind === 'punct' && next.text === '(') {
      while (
        i < tokens.length &&
        !((tokens[i] as Token).kind === 'punct' && tokens[i]?.text === ')')
      )
        i++;
      continue;
    }
    if (KEYWORDS.has(token.text)) continue;
    if (next?.kind === 'punct' && next.text === '(') continue; // a function call
    if (next?.kind === 'ident' && (next.text === 'by' || next.text === 'without')) continue; // sum by (...) (...)
    if (!names.includes(token.text)) names.push(token.text);
  }
  return names;
}

export interface RangeUse {
  /** Function whose argument the range belongs to (e.g. rate, max_over_time), or '' if none. */
  fn: string;
  /** Range part, e.g. "$__rate_interval" or, for a subquery "[a:b]", "a". */
  range: string;
  /** Subquery step ("b" in "[a:b]"), undefined for a plain range selector. */
  step?: string;
}

/**
 * Every range selector and subquery range, with the function it is the direct argument of
 * (the innermost enclosing call whose own parentheses contain it at their top level).
 */
export function rangeUses(expr: string): RangeUse[] {
  const tokens = tokenize(expr);
  const uses: RangeUse[] = [];
  // Stack of open parentheses: the function name for a call, '' for a plain group.
  const stack: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.kind === 'punct' && token.text === '(') {
      const previous = tokens[i - 1];
      const isCall =
        previous?.kind === 'ident' &&
        !KEYWORDS.has(previous.text) &&
        !LABEL_LIST_KEYWORDS.has(previous.text);
      stack.push(isCall ? previous.text : '');
    } else if (token.kind === 'punct' && token.text === ')') {
      stack.pop();
    } else if (token.kind === 'range') {
      const [range = '', step] = token.text.split(':').map((part) => part.trim());
      const fn = stack[stack.length - 1] ?? '';
      uses.push(step === undefined ? { fn, range } : { fn, range, step });
    }
  }
  return uses;
}
