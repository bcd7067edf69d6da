import { describe, expect, it } from 'vitest';
import { buildDashboards, canonicalize, formatJson, renderAll } from './dashboards.js';

describe('canonicalize', () => {
  it('sorts keys at every level, keeps array order, drops undefined and functions', () => {
    const out = canonicalize({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined, f: () => 1 } });
    expect(JSON.stringify(out)).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
  });
});

describe('formatJson', () => {
  it('is JSON.stringify with 2 spaces, plus short scalar arrays on one line', () => {
    const value = { a: ['x', 1, null], b: [], c: {}, d: [{ e: true }], f: 'é · "q"' };
    expect(formatJson(value)).toBe(
      [
        '{',
        '  "a": ["x", 1, null],',
        '  "b": [],',
        '  "c": {},',
        '  "d": [',
        '    {',
        '      "e": true',
        '    }',
        '  ],',
        '  "f": "é · \\"q\\""',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('breaks a scalar array that would pass 100 columns', () => {
    const long = Array.from({ length: 20 }, (_, i) => `item-${i}`);
    const text = formatJson({ key: long });
    expect(text.split('\n')).toHaveLength(long.length + 5); // { "key": [ ... ] } and the final newline
    expect(JSON.parse(text)).toEqual({ key: long });
  });
});

describe('buildDashboards', () => {
  it('is deterministic', () => {
    expect(renderAll()).toEqual(renderAll());
  });

  it('names each file after its dashboard and numbers panels from 1', () => {
    for (const { fileName, dashboard } of buildDashboards()) {
      expect(fileName).toMatch(/^[a-z-]+\.json$/);
      const ids = (dashboard.panels ?? []).map((panel) => panel.id);
      expect(ids).toEqual(ids.map((_, index) => index + 1));
    }
  });
});
