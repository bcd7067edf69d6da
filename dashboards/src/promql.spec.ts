// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} here is Grafana variable syntax, not a template literal
import { describe, expect, it } from 'vitest';
import { variablesIn } from './grafana-variables.js';
import { metricNames, parsePromQL, rangeUses } from './promql.js';

describe('parsePromQL', () => {
  it('keeps label matchers, strings and ranges whole', () => {
    const expr = 'rate(x{a=~"}[5m]", b="q"}[$__rate_interval])';
    expect(metricNames(expr)).toEqual(['x']);
    expect(rangeUses(expr)).toEqual([{ fn: 'rate', range: '$__rate_interval' }]);
  });

  it('reads numbers, offsets and two-character operators', () => {
    expect(metricNames('x offset 10s >= 0.5e-3')).toEqual(['x']);
    expect(rangeUses('x offset 10s >= 0.5e-3')).toEqual([]);
  });

  it('rejects unterminated strings and braces, naming the position', () => {
    expect(() => parsePromQL('x{a="b}')).toThrow(/does not parse at character 8/);
    expect(() => parsePromQL('x{a="b"')).toThrow(/does not parse/);
    expect(() => parsePromQL('sum(rate(x[5m])')).toThrow(/does not parse/);
  });

  it('accepts Grafana variables in ranges, steps and matchers', () => {
    expect(() =>
      parsePromQL('max_over_time(a{i=~"$instance"}[${__range}:$__interval]) + b[[[x]]]'),
    ).not.toThrow();
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
