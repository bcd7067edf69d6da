import { describe, expect, it } from 'vitest';
import { sampleReport, sampleReportFor } from '../../test/fixtures/sample-report.js';
import { renderMarkdown } from './markdown.js';

/** The cells of the table row whose first cell starts with `label`. */
function row(markdown: string, label: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${label}`));
  if (!line) throw new Error(`no table row for ${label}`);
  return line
    .slice(2, -2)
    .split(' | ')
    .map((c) => c.trim());
}

describe('renderMarkdown', () => {
  const md = renderMarkdown(sampleReport());

  it('opens with a title naming the run and its date', () => {
    const [title, blank, meta] = md.split('\n');
    expect(title).toBe('# looplab report `20251125-193000-fixture`');
    expect(blank).toBe('');
    expect(meta).toContain('2025-11-25 19:31:42 UTC');
    expect(meta).toContain('baseline: async');
  });

  it('quotes the verdict verbatim as one paragraph', () => {
    expect(md).toContain(`\n**Verdict:** ${sampleReport().verdict}\n`);
  });

  it('has a header, an alignment line and one row per strategy', () => {
    const lines = md.split('\n').filter((l) => l.startsWith('| '));
    const header = lines[0] ?? '';
    expect(header).toContain('probe p99 (ms)');
    expect(header).toContain('p99 × async');
    expect(header).toContain('utilization (%)');
    expect(lines[1]).toMatch(/^\| :--- \| ---: \|/);
    expect(md).toMatch(/^\| async \(baseline\) \|/m);
    expect(md).toMatch(/^\| blocking \|/m);
    expect(md).toMatch(/^\| pooled \|/m);
  });

  it('formats every column of a row', () => {
    expect(row(md, 'blocking')).toEqual([
      'blocking',
      '2.6', // p50
      '148.3', // p95
      '201.4', // p99
      '214.7', // max
      '65.0×', // p99 / async p99 = 201.4 / 3.1
      '49.6', // probe req/s
      '2.5', // server-side p99: misses the wait behind the blocked loop
      '30 / 0', // trigger accepted / rejected
      '3', // dropped iterations
      '200.7', // lag p99
      '211.9', // lag max
      '25.7', // utilization %
      '1.2', // task wait p95
      '201.6', // task run p95
      'node', // runtime
    ]);
    const pooled = row(md, 'pooled');
    expect(pooled.slice(1, 7)).toEqual(['1.7', '3.1', '4.0', '7.9', '1.29×', '49.9']);
    expect(pooled[8]).toBe('29 / 1');
  });

  it('shows the baseline ratio as 1 and missing task numbers as a dash', () => {
    const async = row(md, 'async (baseline)');
    expect(async[5]).toBe('1.00×');
    expect(async.slice(-3)).toEqual(['–', '–', 'node']);
  });

  it('says probe latency is client-side', () => {
    expect(md).toMatch(/Probe latency .* client-side/);
  });

  it('lists budgets with ✅/❌, actual and limit', () => {
    expect(md).toContain('1 of 2 budgets failed.');
    expect(md).toContain('| ✅ | pooled.probe.p99 <= 1.5 x async | 1.29× | ≤ 1.50× |');
    expect(md).toContain('| ❌ | blocking.probe.p99 <= 50 ms | 201.4 ms | ≤ 50.0 ms |');
  });

  it('describes the configuration and environment', () => {
    expect(md).toContain('- **Rates:** probe 50 req/s, trigger 1 req/s');
    expect(md).toContain('- **Duration:** 30 s per strategy after 5 s warm-up');
    expect(md).toContain('- **Workload:** cpu, 200 ms per job');
    expect(md).toContain('- **Pool size:** 2');
    expect(md).toContain('- **Node:** v24.21.0');
    expect(md).toContain('- **Cores:** 2');
    expect(md).toContain('- **Load generator:** k6 v1.4.2');
    expect(md).toContain('- **Pinning:** app on CPU 1, load on CPU 0');
  });

  it('words a single budget in the singular', () => {
    expect(renderMarkdown(sampleReportFor(['async', 'pooled']))).toContain('The budget passed.');
  });

  it('leaves out the budgets section when there are none', () => {
    const report = { ...sampleReport(), budgets: [] };
    expect(renderMarkdown(report)).not.toContain('## Budgets');
  });

  it('renders a subset without the baseline, with dashes for the ratios', () => {
    const subset = renderMarkdown(sampleReportFor(['blocking', 'pooled']));
    expect(subset).not.toMatch(/^\| async/m);
    expect(row(subset, 'blocking')[5]).toBe('–');
    expect(row(subset, 'pooled')[5]).toBe('–');
  });

  it('survives a JSON round trip (NaN becomes null)', () => {
    const roundTripped = JSON.parse(JSON.stringify(sampleReportFor(['pooled'])));
    expect(row(renderMarkdown(roundTripped), 'pooled')[5]).toBe('–');
  });

  it('keeps pipes and line breaks from breaking table cells', () => {
    const report = sampleReport();
    const budget = report.budgets[0];
    if (!budget) throw new Error('fixture has budgets');
    budget.name = 'p99 | weird\nname';
    expect(renderMarkdown(report)).toContain('| ✅ | p99 \\| weird name |');
  });
});
