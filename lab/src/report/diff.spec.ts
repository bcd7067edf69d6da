import { describe, expect, it } from 'vitest';
import { sampleReport, sampleReportFor } from '../../test/fixtures/sample-report.js';
import type { Report, Strategy, StrategyResult } from '../model.js';
import { renderDiff } from './diff.js';

/** The lines of the section `## strategy` (up to the next section). */
function section(markdown: string, strategy: Strategy): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(`## ${strategy}`);
  if (start < 0) throw new Error(`no section for ${strategy}`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((line) => line !== '');
}

/** The cells of the row `label` in a strategy's table. */
function row(markdown: string, strategy: Strategy, label: string): string[] {
  const line = section(markdown, strategy).find((l) => l.startsWith(`| ${label} |`));
  if (!line) throw new Error(`no row ${label} for ${strategy}`);
  return line
    .slice(2, -2)
    .split(' | ')
    .map((cell) => cell.trim());
}

/** The sample report after a change: blocking's p99 halved, pooled's lag max doubled. */
function afterReport(): Report {
  const report = sampleReport();
  report.runId = '20251126-080000-after';
  report.createdAt = '2025-11-26T08:01:00.000Z';
  const edit = (strategy: Strategy, change: (r: StrategyResult) => void) =>
    change(report.strategies.find((r) => r.strategy === strategy) as StrategyResult);
  edit('blocking', (r) => {
    r.probe.p99 = 100.7;
    r.trigger.rejected = 4;
  });
  edit('pooled', (r) => {
    r.eventLoop.lagMaxMs = 13.8;
    r.eventLoop.utilization = 0.226;
  });
  return report;
}

describe('renderDiff', () => {
  const before = sampleReport();
  const after = afterReport();
  const md = renderDiff(before, after);

  it('opens with both run ids and what each run did', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('# looplab diff: 20251125-193000-fixture → 20251126-080000-after');
    expect(lines[1]).toBe('');
    expect(lines[2]).toBe(
      'Before: 2025-11-25T19:31:42.000Z, 30 s per strategy at 50 probe/s and 1 trigger/s (cpu 200 ms).',
    );
    expect(lines[3]).toBe(
      'After: 2025-11-26T08:01:00.000Z, 30 s per strategy at 50 probe/s and 1 trigger/s (cpu 200 ms).',
    );
    expect(md.endsWith('\n')).toBe(true);
  });

  it('has one section per strategy, in order, each with a before/after table', () => {
    expect(md.split('\n').filter((l) => l.startsWith('## '))).toEqual([
      '## async',
      '## blocking',
      '## pooled',
    ]);
    for (const strategy of ['async', 'blocking', 'pooled'] as const) {
      const lines = section(md, strategy);
      expect(lines[0]).toBe('| metric | before | after | after / before |');
      expect(lines[1]).toBe('|---|---:|---:|---:|');
      expect(lines.slice(2).map((l) => l.split(' | ')[0])).toEqual([
        '| probe p50 (ms)',
        '| probe p95 (ms)',
        '| probe p99 (ms)',
        '| probe max (ms)',
        '| event-loop lag p99 (ms)',
        '| event-loop lag max (ms)',
        '| event-loop utilization (%)',
        '| task wait p95 (ms)',
        '| trigger rejections',
        '| trigger failures',
      ]);
    }
  });

  it('shows before, after and after/before for a change', () => {
    expect(row(md, 'blocking', 'probe p99 (ms)')).toEqual([
      'probe p99 (ms)',
      '201.4',
      '100.7',
      '0.50×',
    ]);
    expect(row(md, 'blocking', 'trigger rejections')).toEqual([
      'trigger rejections',
      '0',
      '4',
      '–', // 4 / 0 has no value
    ]);
    expect(row(md, 'pooled', 'event-loop lag max (ms)')).toEqual([
      'event-loop lag max (ms)',
      '6.9',
      '13.8',
      '2.00×',
    ]);
    // Utilization is a percentage; the ratio is of the fractions: 0.226 / 0.113.
    expect(row(md, 'pooled', 'event-loop utilization (%)')).toEqual([
      'event-loop utilization (%)',
      '11.3',
      '22.6',
      '2.00×',
    ]);
  });

  it('shows 1.00× where nothing changed and a dash where a value is missing', () => {
    expect(row(md, 'async', 'probe p99 (ms)')).toEqual(['probe p99 (ms)', '3.1', '3.1', '1.00×']);
    expect(row(md, 'blocking', 'event-loop lag p99 (ms)')).toEqual([
      'event-loop lag p99 (ms)',
      '200.7',
      '200.7',
      '1.00×',
    ]);
    // async runs no background tasks: no wait time on either side.
    expect(row(md, 'async', 'task wait p95 (ms)')).toEqual(['task wait p95 (ms)', '–', '–', '–']);
  });

  it('reads reports that went through JSON (null instead of NaN)', () => {
    const roundTrip = (r: Report) => JSON.parse(JSON.stringify(r)) as Report;
    expect(renderDiff(roundTrip(before), roundTrip(after))).toBe(md);
  });

  it('does not warn about the load when the settings match', () => {
    expect(md).not.toContain('different load');
  });

  it('warns when the load or the workload differs', () => {
    const changes: Array<Partial<Report['config']>> = [
      { probeRate: 100 },
      { triggerRate: 2 },
      { workload: 'hash' },
      { workloadMs: 100 },
    ];
    for (const change of changes) {
      const other = afterReport();
      other.config = { ...other.config, ...change };
      const text = renderDiff(before, other);
      expect(text).toContain(
        '\n\n> The two runs used different load or workload settings: compare with care.\n',
      );
      // The warning sits before the first section.
      expect(text.indexOf('different load')).toBeLessThan(text.indexOf('## async'));
    }
    const slower = afterReport();
    slower.config = { ...slower.config, probeRate: 100, workloadMs: 50 };
    expect(renderDiff(before, slower).split('\n')[3]).toBe(
      'After: 2025-11-26T08:01:00.000Z, 30 s per strategy at 100 probe/s and 1 trigger/s (cpu 50 ms).',
    );
  });

  it('says which run a strategy is only in', () => {
    const text = renderDiff(
      sampleReportFor(['async', 'blocking']),
      sampleReportFor(['async', 'pooled']),
    );
    expect(text.split('\n').filter((l) => l.startsWith('## '))).toEqual([
      '## async',
      '## blocking',
      '## pooled',
    ]);
    expect(section(text, 'blocking')).toEqual(['Only in the before run.']);
    expect(section(text, 'pooled')).toEqual(['Only in the after run.']);
    expect(section(text, 'async')[0]).toBe('| metric | before | after | after / before |');
  });

  it('compares runs without a baseline too', () => {
    const text = renderDiff(sampleReportFor(['blocking']), sampleReportFor(['blocking']));
    expect(row(text, 'blocking', 'probe p50 (ms)')).toEqual([
      'probe p50 (ms)',
      '2.6',
      '2.6',
      '1.00×',
    ]);
  });
});
