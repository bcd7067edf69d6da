import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { Budget, MetricsSample, RawRun, RawStrategyRun, Strategy } from '../model.js';
import { renderMarkdown } from '../render/markdown.js';
import { buildReport } from '../report/assemble.js';
import { schemaProblem } from '../schemas.js';
import { localMeasurements } from '../sources/local/local-run.js';
import { RAW_FILE, rawJson, readRawRun, saveRawRun } from '../sources/local/raw-file.js';
import { writeRunFolder as writeReportFolder } from './run-folder.js';

const root = mkdtempSync(join(tmpdir(), 'looplab-report-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let folders = 0;
const freshFolder = () => join(root, `run-${++folders}`);

const INF = Number.POSITIVE_INFINITY;

/**
 * FIXTURE: a tiny synthetic RawRun (nothing measured): 2 s per strategy, 4 probes a second.
 * async has no task histograms (its task percentiles do not exist: NaN → null in report.json).
 */
function strategyRun(strategy: Strategy, scale: number): RawStrategyRun {
  const withTasks = strategy !== 'async';
  const sample = (t: number, n: number): MetricsSample => ({
    t,
    lagWindowMaxMs: 2 * scale * n,
    lagWindowS: 1,
    pingServerBuckets: [],
    lagBuckets: [
      [0.001, 10 * n],
      [0.1, 20 * n],
      [INF, 20 * n],
    ],
    eluActiveSeconds: 0.1 * n * scale,
    tasksDone: withTasks ? n : 0,
    tasksFailed: 0,
    tasksRejected: 0,
    queueDepth: withTasks ? n % 2 : 0,
    inFlight: withTasks ? 1 : 0,
    waitBuckets: withTasks
      ? [
          [0.01, n],
          [INF, n],
        ]
      : [],
    runBuckets: withTasks
      ? [
          [0.1, n],
          [INF, n],
        ]
      : [],
  });
  return {
    strategy,
    target: 'node',
    workload: 'cpu',
    instrumentation: 'on',
    startedAt: '2026-02-01T10:00:00.000Z',
    elapsedMs: 2000,
    expected: { probe: 8, trigger: 2 },
    requests: [
      ...Array.from({ length: 8 }, (_, i) => ({
        role: 'probe' as const,
        t: i * 250,
        latencyMs: scale * (i + 1),
        status: 200,
      })),
      { role: 'trigger', t: 0, latencyMs: 1, status: strategy === 'async' ? 200 : 202 },
      { role: 'trigger', t: 1000, latencyMs: 1, status: strategy === 'async' ? 200 : 202 },
    ],
    samples: [sample(0, 1), sample(1000, 2), sample(2000, 3)],
  };
}

function rawRun(strategies: Strategy[] = ['async', 'blocking', 'pooled']): RawRun {
  const scales: Partial<Record<Strategy, number>> = { async: 1, blocking: 50, pooled: 1.2 };
  return {
    schemaVersion: 3,
    config: {
      runId: '20260201-100000-fixture',
      strategies,
      targets: ['node'],
      workloads: ['cpu'],
      instrumentation: ['on'],
      durationS: 2,
      warmupS: 0,
      probeRate: 4,
      triggerRate: 1,
      workload: 'cpu',
      workloadMs: 50,
      poolSize: 1,
      timeoutS: 5,
      testid: 'fixture',
      targetUrl: null,
    },
    environment: {
      node: 'v24.21.0',
      platform: 'linux x64',
      cpuModel: 'Fixture CPU',
      cores: 2,
      totalMemoryGiB: 4,
      loadGenerator: { name: 'vegeta', version: 'v12.12.0' },
      pinning: { app: null, load: null, offLoop: null },
      hostname: 'fixture-host',
    },
    startedAt: '2026-02-01T10:00:00.000Z',
    finishedAt: '2026-02-01T10:00:10.000Z',
    runs: strategies.map((s) => strategyRun(s, scales[s] ?? 1)),
  };
}

const BUDGETS: Budget[] = [
  { name: 'pooled p99 <= 1.5x async', strategy: 'pooled', metric: 'probe.p99', maxRatio: 1.5 },
];

afterEach(() => {
  vi.useRealTimers();
});

describe('writeRunFolder: raw.json → the local source → the report files', () => {
  it('writes report.json, report.md, report.html and samples.csv (raw.json is saveRawRun’s job)', () => {
    const folder = join(freshFolder(), 'nested');
    const written = writeReportFolder(folder, rawRun(), BUDGETS);
    expect(written.folder).toBe(folder);
    expect(written.files).toEqual({
      raw: join(folder, RAW_FILE),
      json: join(folder, 'report.json'),
      markdown: join(folder, 'report.md'),
      html: join(folder, 'report.html'),
      csv: join(folder, 'samples.csv'),
    });
    expect(readdirSync(folder).sort()).toEqual([
      'report.html',
      'report.json',
      'report.md',
      'samples.csv',
    ]);
    expect(existsSync(written.files.raw)).toBe(false);
  });

  it('writes what the renderers make of the report it returns', () => {
    const folder = freshFolder();
    const { report, files } = writeReportFolder(folder, rawRun(), BUDGETS);
    expect(readFileSync(files.markdown, 'utf8')).toBe(renderMarkdown(report));
    expect(report.runId).toBe('20260201-100000-fixture');
    expect(report.budgets.map((b) => b.name)).toEqual(['pooled p99 <= 1.5x async']);
    const html = readFileSync(files.html, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('20260201-100000-fixture');
    const csv = readFileSync(files.csv, 'utf8').split('\r\n');
    expect(csv[0]).toMatch(/^strategy,t_s,/);
    // 3 strategies × 2 s, then the empty string after the last CRLF.
    expect(csv).toHaveLength(1 + 6 + 1);
    expect(csv[1]).toMatch(/^async,1,4,/);
  });

  it('writes null, never NaN, for values that do not exist, and parses back', () => {
    const folder = freshFolder();
    // Without async, every ratio is NaN; async's own task percentiles are NaN too.
    const { report, files } = writeReportFolder(folder, rawRun(['blocking', 'pooled']), BUDGETS);
    const text = readFileSync(files.json, 'utf8');
    expect(text).not.toMatch(/NaN|Infinity/);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "schemaVersion": 3,'); // pretty-printed, 2 spaces
    const parsed = JSON.parse(text);
    expect(parsed.strategies[0].ratios).toEqual({
      probeP50: null,
      probeP95: null,
      probeP99: null,
      probeMax: null,
      lagMax: null,
    });
    expect(parsed.budgets[0].actual).toBeNull();
    expect(parsed.budgets[0].passed).toBe(false);
    // Existing numbers survive as they are.
    expect(parsed.strategies[0].probe.p50).toBe(report.strategies[0]?.probe.p50);
    expect(parsed.strategies[1].eventLoop.lagMaxMs).toBe(report.strategies[1]?.eventLoop.lagMaxMs);
    // Everything else is the report itself, in the shape its schema says.
    expect(parsed).toEqual(JSON.parse(JSON.stringify(report)));
    expect(schemaProblem('report', parsed)).toBeUndefined();
    expect(schemaProblem('raw', JSON.parse(rawJson(rawRun())))).toBeUndefined();
  });

  it('writes null for the task percentiles of a strategy without tasks', () => {
    const { files } = writeReportFolder(freshFolder(), rawRun(['async']), []);
    const parsed = JSON.parse(readFileSync(files.json, 'utf8'));
    expect(parsed.strategies[0].tasks).toEqual({
      completed: 0,
      failed: 0,
      rejected: 0,
      waitP50Ms: null,
      waitP95Ms: null,
      waitP99Ms: null,
      runP50Ms: null,
      runP95Ms: null,
      runP99Ms: null,
    });
    expect(parsed.strategies[0].ratios.probeP99).toBe(1);
  });

  it('overwrites an earlier report in the same folder', () => {
    const folder = freshFolder();
    writeReportFolder(folder, rawRun(['async', 'blocking', 'pooled']), BUDGETS);
    const { files } = writeReportFolder(folder, rawRun(['async']), []);
    const parsed = JSON.parse(readFileSync(files.json, 'utf8'));
    expect(parsed.strategies.map((s: { strategy: string }) => s.strategy)).toEqual(['async']);
    expect(parsed.budgets).toEqual([]);
  });
});

describe('saveRawRun / readRawRun', () => {
  it('saves raw.json (creating the folder) and reads it back unchanged', () => {
    const folder = join(freshFolder(), 'a', 'b');
    const raw = rawRun();
    const path = saveRawRun(folder, raw);
    expect(path).toBe(join(folder, 'raw.json'));
    expect(existsSync(path)).toBe(true);
    expect(readRawRun(folder)).toEqual(raw);
  });

  it('says clearly that raw.json is missing', () => {
    const folder = freshFolder();
    mkdirSync(folder);
    expect(() => readRawRun(folder)).toThrow(`${join(folder, 'raw.json')} not found`);
    expect(() => readRawRun(folder)).toThrow('looplab compare');
    expect(() => readRawRun(join(root, 'no-such-folder'))).toThrow('not found');
  });

  it('refuses a schemaVersion other than 3, saying what to do instead', () => {
    for (const [version, shown, writer] of [
      [2, '2', 'an older'],
      [4, '4', 'another'],
      [undefined, 'undefined', 'another'],
      ['3', '3', 'another'],
    ] as const) {
      const folder = freshFolder();
      saveRawRun(folder, { ...rawRun(), schemaVersion: version } as unknown as RawRun);
      const read = () => readRawRun(folder);
      expect(read).toThrow(
        `${join(folder, 'raw.json')} has schemaVersion ${shown}, written by ${writer} looplab; this one reads version 3.`,
      );
      expect(read).toThrow('Run the comparison again (`npm run compare`');
      expect(read).toThrow('rebuild this folder with the looplab that wrote it');
    }
  });

  it('rebuilds the same report files from a saved raw.json', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-02-01T10:05:00.000Z'));
    const raw = rawRun();
    const direct = writeReportFolder(freshFolder(), raw, BUDGETS);

    const runFolder = freshFolder();
    saveRawRun(runFolder, raw);
    const rebuilt = writeReportFolder(runFolder, readRawRun(runFolder), BUDGETS);

    expect(rebuilt.report.createdAt).toBe('2026-02-01T10:00:10.000Z');
    for (const file of ['markdown', 'json', 'csv', 'html'] as const) {
      expect(readFileSync(rebuilt.files[file], 'utf8')).toBe(
        readFileSync(direct.files[file], 'utf8'),
      );
    }
    expect(rebuilt.report).toEqual(direct.report);
    // The run folder now holds all five files.
    expect(readdirSync(runFolder).sort()).toEqual([
      'raw.json',
      'report.html',
      'report.json',
      'report.md',
      'samples.csv',
    ]);
    expect(buildReport(localMeasurements(readRawRun(runFolder)), BUDGETS).report).toEqual(
      direct.report,
    );
  });

  it('names the field of a raw.json that does not match its schema', () => {
    const folder = freshFolder();
    const broken = rawRun();
    // biome-ignore lint/suspicious/noExplicitAny: the test breaks a field of the file
    (broken.runs[1]?.samples[0] as any).lagBuckets = 'none';
    saveRawRun(folder, broken);
    expect(() => readRawRun(folder)).toThrow(
      `${join(folder, 'raw.json')}: runs[1].samples[0].lagBuckets must be an array (lab/schema/raw.schema.json)`,
    );
  });

  it('fails on a raw.json that is not JSON', () => {
    const folder = freshFolder();
    mkdirSync(folder);
    writeFileSync(join(folder, RAW_FILE), '{ "schemaVersion": 2, ');
    expect(() => readRawRun(folder)).toThrow(SyntaxError);
  });
});
