// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} here is Grafana variable syntax, not a template literal
import { describe, expect, it } from 'vitest';
import { metricNames, rangeUses, tokenize, variablesIn } from './promql-text.js';

describe('tokenize', () => {
  it('keeps label matchers, strings and ranges whole', () => {
    const tokens = tokenize('rate(x{a=~"}[5m]", b="q"}[$__rate_interval])');
    expect(tokens.map((t) => t.kind)).toEqual([
      'ident',
      'punct',
      'ident',
      'matchers',
      'range',
      'punct',
    ]);
    expect(tokens[3]?.text).toBe('a=~"}[5m]", b="q"');
    expect(tokens[4]?.text).toBe('$__rate_interval');
  });

  it('reads numbers, durations and two-character operators', () => {
    const tokens = tokenize('x offset 10s >= 0.5e-3');
    expect(tokens.map((t) => t.text)).toEqual(['x', 'offset', '10s', '>=', '0.5e-3']);
  });

  it('rejects unterminated strings and braces', () => {
    expect(() => tokenize('x{a="b}')).toThrow(/unterminated string/);
    expect(() => tokenize('x{a="b"')).toThrow(/unclosed \{/);
  });
});

describe('metricNames', () => {
  it('skips functions, keywords, grouping labels and matcher labels', () => {
    const expr =
      'histogram_quantile(0.99, sum by (le, strategy) (rate(a_bucket{role="probe"}[$__rate_interval]))) / on(testid) group_left() max by (testid) (b offset 10s) and c unless vector(0)';
    expect(metricNames(expr)).toEqual(['a_bucket', 'b', 'c']);
  });

  it('finds names with colons (recording rules)', () => {
    expect(metricNames('sum(job:requests:rate5m)')).toEqual(['job:requests:rate5m']);
  });
});

describe('rangeUses', () => {
  it('attributes each range to the function it is the argument of', () => {
    expect(rangeUses('sum(rate(a[$__rate_interval])) + max_over_time(b[5m]) + c[1m]')).toEqual([
      { fn: 'rate', range: '$__rate_interval' },
      { fn: 'max_over_time', range: '5m' },
      { fn: '', range: '1m' },
    ]);
  });

  it('reads subquery ranges and steps', () => {
    expect(rangeUses('max_over_time((a and on(x) b)[$__range:$__interval])')).toEqual([
      { fn: 'max_over_time', range: '$__range', step: '$__interval' },
    ]);
    expect(rangeUses('max_over_time(rate(a[1m])[5m:])')).toEqual([
      { fn: 'rate', range: '1m' },
      { fn: 'max_over_time', range: '5m', step: '' },
    ]);
  });

  it('does not mistake grouping parentheses for calls', () => {
    expect(rangeUses('sum by (le) (increase(a[$__range]))')).toEqual([
      { fn: 'increase', range: '$__range' },
    ]);
  });
});

describe('variablesIn', () => {
  it('finds every Grafana variable syntax once, in order', () => {
    expect(variablesIn('a{x=~"$testid|$testid_b", y="${instance:regex}"}[[foo]] $testid')).toEqual([
      'testid',
      'testid_b',
      'instance',
      'foo',
    ]);
  });
});
