import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACT_DATA_DIR } from './index.js';
import { METRIC_LIST } from './metrics.js';
import { metricsTable, TABLE_END, TABLE_START, withMetricsTable } from './metrics-doc.js';

const DOC = join(CONTRACT_DATA_DIR, '..', '..', 'docs', 'metrics.md');

describe("docs/metrics.md's metric table", () => {
  it('is the one generated from contract/data/metrics.json (npm run docs -w contract)', () => {
    const doc = readFileSync(DOC, 'utf8');
    const same = withMetricsTable(doc) === doc;
    if (!same) expect(doc, 'stale: run npm run docs -w contract').toBe(withMetricsTable(doc));
  });

  it('has one row per metric of the contract, in its order', () => {
    const rows = metricsTable()
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    expect(rows.map((line) => /^\| `([^`]+)`/.exec(line)?.[1])).toEqual(
      METRIC_LIST.map((m) => m.name),
    );
  });

  it('replaces only the block between the markers, and refuses a document without them', () => {
    const doc = `# prose\n\n${TABLE_START}\nold table\n${TABLE_END}\n\nmore prose\n`;
    const out = withMetricsTable(doc);
    expect(out.startsWith('# prose\n\n')).toBe(true);
    expect(out.endsWith('\n\nmore prose\n')).toBe(true);
    expect(out).not.toContain('old table');
    expect(() => withMetricsTable('# no markers\n')).toThrow(/no <!-- metrics-table:start/);
  });
});
