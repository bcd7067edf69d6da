import { describe, expect, it } from 'vitest';
import { sampleReport } from '../../test/fixtures/sample-report.js';
import type { Report } from '../model.js';
import { csvNumber, csvText, renderSamplesCsv, SAMPLES_CSV_COLUMNS } from './csv.js';

const HEADER =
  'strategy,t_s,probe_count,probe_p50_ms,probe_p95_ms,probe_p99_ms,probe_max_ms,' +
  'lag_max_ms,utilization,queue_depth,in_flight,row';

function lines(csv: string): string[] {
  expect(csv.endsWith('\r\n')).toBe(true);
  return csv.slice(0, -2).split('\r\n');
}

describe('renderSamplesCsv', () => {
  const report = sampleReport();
  const rows = lines(renderSamplesCsv(report));

  it('has the header row and one row per series point', () => {
    expect(rows[0]).toBe(HEADER);
    expect(SAMPLES_CSV_COLUMNS.join(',')).toBe(HEADER);
    expect(rows).toHaveLength(report.series.length + 1);
    expect(report.series).toHaveLength(90);
    for (const line of rows) expect(line.split(',')).toHaveLength(12);
  });

  it('writes each point in order with its numbers', () => {
    const point = report.series[0];
    if (!point) throw new Error('fixture has series');
    expect(rows[1]).toBe(
      [
        'async',
        '1',
        String(point.probeCount),
        String(point.probeP50Ms),
        String(point.probeP95Ms),
        String(point.probeP99Ms),
        String(point.probeMaxMs),
        String(point.lagMaxMs),
        String(Number(point.utilization?.toFixed(3))),
        '0',
        '0',
        'async',
      ].join(','),
    );
  });

  it('leaves null cells empty', () => {
    // The fixture's blocking t=9 has no probe, pooled t=17 has no scrape.
    expect(rows).toContainEqual(
      expect.stringMatching(/^blocking,9,0,,,,,[\d.]+,[\d.]+,\d,\d,blocking$/),
    );
    expect(rows).toContainEqual(
      expect.stringMatching(/^pooled,17,\d+,[\d.]+,[\d.]+,[\d.]+,[\d.]+,,,,,pooled$/),
    );
  });

  it('renders an empty series as the header alone', () => {
    expect(renderSamplesCsv({ ...report, series: [] })).toBe(`${HEADER}\r\n`);
  });

  it('quotes a strategy name that needs it', () => {
    const odd = {
      ...report,
      series: [{ ...(report.series[0] as Report['series'][number]), strategy: 'a,"b"' }],
    } as unknown as Report;
    expect(lines(renderSamplesCsv(odd))[1]).toMatch(/^"a,""b""",1,/);
  });
});

describe('csvNumber', () => {
  it('keeps at most 3 decimals and drops trailing zeros', () => {
    expect(csvNumber(12.34567)).toBe('12.346');
    expect(csvNumber(200)).toBe('200');
    expect(csvNumber(0.1 + 0.2)).toBe('0.3');
    expect(csvNumber(0.0004)).toBe('0');
    expect(csvNumber(-0.0001)).toBe('0');
    expect(csvNumber(1e-9)).toBe('0');
    expect(csvNumber(1e21)).toBe('1000000000000000000000');
  });

  it('is empty for null, undefined and non-finite numbers', () => {
    expect(csvNumber(null)).toBe('');
    expect(csvNumber(undefined)).toBe('');
    expect(csvNumber(Number.NaN)).toBe('');
    expect(csvNumber(Number.POSITIVE_INFINITY)).toBe('');
  });
});

describe('csvText', () => {
  it('quotes only when needed (RFC 4180)', () => {
    expect(csvText('pooled')).toBe('pooled');
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText('two\nlines')).toBe('"two\nlines"');
    expect(csvText('cr\rhere')).toBe('"cr\rhere"');
  });
});
