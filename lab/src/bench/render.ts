import { formatRatio, isFiniteNumber } from '../format.js';
import type { BenchRun, Goal, VariantSummary } from './bench-run.js';
import { SATURATED_BUSY } from './summarize.js';
import { textTable } from './text-table.js';

const int = (value: number | null | undefined) =>
  isFiniteNumber(value) ? Math.round(value).toLocaleString('en-US') : '–';
const ms = (value: number | null | undefined) => (isFiniteNumber(value) ? value.toFixed(2) : '–');
const us = (value: number | null | undefined) => (isFiniteNumber(value) ? value.toFixed(1) : '–');
const signedUs = (value: number | null | undefined) =>
  isFiniteNumber(value) ? `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)}` : '–';
const pct = (value: number | null | undefined) =>
  isFiniteNumber(value) ? `${Math.round(value * 100)} %` : '–';

const MEASURE_NOTES: Record<Goal['measure'], string> = {
  throughput: 'req/s as measured',
  latency: 'client-side p99',
  capacity: '1 / CPU per request',
};

function bareLoadBound(run: BenchRun): boolean {
  const bare = run.summary.find((summary) => summary.variant === 'bare');
  return run.settings.ratePerS === null && bare?.busy != null && bare.busy < SATURATED_BUSY;
}

function summaryRow(summary: VariantSummary): string[] {
  return [
    summary.variant,
    int(summary.reqPerS),
    ms(summary.p50Ms),
    ms(summary.p99Ms),
    us(summary.cpuUsPerReq),
    pct(summary.busy),
    formatRatio(summary.vsOff?.throughput),
    formatRatio(summary.vsOff?.p99),
    signedUs(summary.vsOff?.cpuUsAdded),
    formatRatio(summary.vsOff?.capacity),
    formatRatio(summary.vsBare?.throughput),
    formatRatio(summary.vsBare?.capacity),
  ];
}

/** The bench's console report: the table, the cost split, the goals and any warnings. */
export function renderBench(run: BenchRun): string {
  const { settings } = run;
  const lines = [
    `looplab bench ${run.runId}: GET /ping, ${settings.load}, ${settings.warmupS} s warm-up + ${settings.durationS} s measured, ${settings.rounds} round(s), fresh server per round`,
    `  node ${settings.node}; pinning: ${settings.pinning.app === null ? 'none' : `server on CPU ${settings.pinning.app}, load on CPU ${settings.pinning.load}`}`,
    '',
    textTable(
      [
        'variant',
        'req/s',
        'p50 ms',
        'p99 ms',
        'CPU µs/req',
        'busy',
        '× off',
        'p99 × off',
        'µs vs off',
        'cap × off',
        '× bare',
        'cap × bare',
      ],
      run.summary.map(summaryRow),
    ),
    '  (medians over rounds, ratios the medians of per-round ratios; latency client-side;',
    '   CPU = the server main thread, user + system;',
    '   busy = req/s × CPU per request; cap = capacity ratio, 1 / CPU per request: the req/s ratio',
    '   with both servers saturated)',
    '',
    ...run.summary.map((summary) => `  ${summary.variant}: ${summary.describe}`),
  ];
  const beforeOff = run.summary.find((summary) => summary.variant === 'before-off');
  const beforeDefault = run.summary.find((summary) => summary.variant === 'before-default');
  if (beforeOff && beforeDefault) {
    lines.push(
      '',
      `baseline checkout: its default at ${formatRatio(beforeDefault.reqPerS / beforeOff.reqPerS)} the throughput and ${formatRatio(beforeDefault.p99Ms / beforeOff.p99Ms)} the p99 of its own off`,
    );
  }
  const { shares } = run;
  if (shares) {
    const { cpu } = shares;
    if (cpu) {
      lines.push(
        '',
        'cost over bare Fastify per request, in server CPU:',
        `  framework (Nest, metrics hook; bare → off):          ${signedUs(cpu.frameworkUs)} µs  (${pct(cpu.frameworkShare)} of the extra)`,
        `  instrumentation (spans, trace ids; off → default):   ${signedUs(cpu.instrumentationUs)} µs  (${pct(cpu.instrumentationShare)} of the extra)`,
      );
    }
    lines.push(
      `  by 1 / req/s (bare ${us(shares.timeUs.bare)} µs, off ${us(shares.timeUs.off)} µs, default ${us(shares.timeUs.default)} µs): framework ${signedUs(shares.frameworkUs)} µs, instrumentation ${signedUs(shares.instrumentationUs)} µs${bareLoadBound(run) ? ' (bare was load-bound: read the CPU split)' : ''}`,
    );
  }
  if (run.goals.length > 0) {
    lines.push(
      '',
      'goals (issue 10; printed, not enforced):',
      ...run.goals.map(
        (goal) =>
          `  ${goal.met ? 'met    ' : 'MISSED '} ${goal.name}: ${formatRatio(goal.value)} (target ${goal.target}; ${MEASURE_NOTES[goal.measure]})`,
      ),
    );
  }
  lines.push(...run.warnings.map((warning) => `WARNING: ${warning}`));
  return `${lines.join('\n')}\n`;
}
