import { formatRatio, isFiniteNumber } from '../format.js';
import type { BenchRun, Comparison, Goal, VariantSummary } from './bench-run.js';
import { textTable } from './text-table.js';

const int = (value: number | null | undefined) =>
  isFiniteNumber(value) ? Math.round(value).toLocaleString('en-US') : '–';
const ms = (value: number | null | undefined) => (isFiniteNumber(value) ? value.toFixed(2) : '–');
const us = (value: number | null | undefined) => (isFiniteNumber(value) ? value.toFixed(1) : '–');
const signed = (value: number | null | undefined, digits = 1) =>
  isFiniteNumber(value) ? `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}` : '–';
const pct = (value: number | null | undefined) =>
  isFiniteNumber(value) ? `${Math.round(value * 100)} %` : '–';
/** Three digits where the target is 0.98×. */
const ratio3 = (value: number | null | undefined) =>
  isFiniteNumber(value) ? `${value.toFixed(3)}×` : '–';

const MEASURE_NOTES: Record<Goal['measure'], string> = {
  throughput: 'req/s as measured',
  latency: 'client-side p99',
  capacity: '1 / CPU per request',
};

function saturation(run: BenchRun, summary: VariantSummary): string {
  if (run.settings.ratePerS !== null) return 'fixed rate';
  if (summary.busy === null) return 'unknown';
  if (summary.loadBound) return 'LOAD-BOUND';
  return `${summary.saturatedRounds}/${summary.rounds}`;
}

function summaryRow(run: BenchRun, summary: VariantSummary): string[] {
  return [
    summary.variant,
    int(summary.reqPerS),
    ms(summary.p50Ms),
    ms(summary.p99Ms),
    us(summary.cpuUsPerReq),
    us(summary.mainCpuUsPerReq),
    pct(summary.busy),
    saturation(run, summary),
    formatRatio(summary.vsOff?.throughput),
    formatRatio(summary.vsOff?.p50),
    formatRatio(summary.vsOff?.p99),
    signed(summary.vsOff?.cpuUsAdded),
    formatRatio(summary.vsOff?.capacity),
    formatRatio(summary.vsBare?.throughput),
    formatRatio(summary.vsBare?.capacity),
  ];
}

function loadLine(run: BenchRun): string {
  const { settings } = run;
  const what =
    settings.ratePerS === null
      ? 'capacity at saturation: every closed-loop round must keep the server main thread busy'
      : 'latency and CPU per request at a fixed rate below saturation (not a capacity measure)';
  return `  load: ${settings.load}; ${what}${settings.ratePerS === null ? ` ≥ ${pct(settings.saturatedBusy)}, else it enters no ratio` : ''}`;
}

function attributionLines(attribution: Comparison | null): string[] {
  if (attribution === null) return [];
  return [
    '',
    `stall attribution (default, attribution on, over no-attribution; ${attribution.pairs} paired round(s)):`,
    `  req/s ${ratio3(attribution.throughput)}, capacity ${ratio3(attribution.capacity)}, p99 ${signed(attribution.p99AddedMs, 2)} ms (${formatRatio(attribution.p99)}), CPU ${signed(attribution.cpuUsAdded)} µs per request`,
  ];
}

function sharesLines(run: BenchRun): string[] {
  const { shares } = run;
  if (!shares) return [];
  const lines: string[] = [];
  if (shares.cpu) {
    lines.push(
      '',
      'cost over bare Fastify per request, in server CPU:',
      `  framework (Nest, metrics hook; bare → off):          ${signed(shares.cpu.frameworkUs)} µs  (${pct(shares.cpu.frameworkShare)} of the extra)`,
      `  instrumentation (spans, trace ids; off → default):   ${signed(shares.cpu.instrumentationUs)} µs  (${pct(shares.cpu.instrumentationShare)} of the extra)`,
    );
  }
  const { time } = shares;
  lines.push(
    time === null
      ? '  by 1 / req/s: – (a variant was load-bound)'
      : `  by 1 / req/s (bare ${us(time.timeUs.bare)} µs, off ${us(time.timeUs.off)} µs, default ${us(time.timeUs.default)} µs): framework ${signed(time.frameworkUs)} µs, instrumentation ${signed(time.instrumentationUs)} µs`,
  );
  return lines;
}

function goalLines(goals: readonly Goal[]): string[] {
  if (goals.length === 0) return [];
  const value = (goal: Goal) =>
    goal.unit === 'ms'
      ? `${signed(goal.value, 2)} ms`
      : goal.source === 'issue 17'
        ? ratio3(goal.value)
        : formatRatio(goal.value);
  return [
    '',
    'goals (printed, not enforced):',
    ...goals.map(
      (goal) =>
        `  ${goal.met ? 'met    ' : 'MISSED '} ${goal.name}: ${value(goal)} (target ${goal.target}; ${MEASURE_NOTES[goal.measure]}; ${goal.source})`,
    ),
  ];
}

/** The bench's console report: the table, attribution's cost, the cost split, the goals and any warnings. */
export function renderBench(run: BenchRun): string {
  const { settings } = run;
  const loads = (values: readonly number[]) => values.map((v) => v.toFixed(2)).join(' ');
  const lines = [
    `looplab bench ${run.runId}: GET /ping, ${settings.warmupS} s warm-up + ${settings.durationS} s measured, ${settings.rounds} round(s), fresh server per round${settings.together ? ', every variant at once on the server core (--together: ratios repeat, costs read high)' : ''}`,
    loadLine(run),
    `  node ${settings.node}; pinning: ${settings.pinning.app === null ? 'none' : `server on CPU ${settings.pinning.app}, load on CPU ${settings.pinning.load}`}; load average ${loads(run.loadAverage.start)} at the start, ${loads(run.loadAverage.end)} at the end`,
    '',
    textTable(
      [
        'variant',
        'req/s',
        'p50 ms',
        'p99 ms',
        'CPU µs/req',
        'main µs',
        'busy',
        'saturated',
        '× off',
        'p50 × off',
        'p99 × off',
        'µs vs off',
        'cap × off',
        '× bare',
        'cap × bare',
      ],
      run.summary.map((summary) => summaryRow(run, summary)),
    ),
    '  (medians over rounds; ratios the medians of per-round ratios over the rounds where both',
    '   servers were saturated; latency client-side; CPU = the server process, every thread, user',
    "   + system; main = its main thread; busy = the main thread's share of the time on a CPU or",
    '   waiting for one, steal excluded; saturated = rounds at or above the bar; cap = capacity',
    '   ratio, 1 / CPU per request)',
    '',
    ...run.summary.map((summary) => `  ${summary.variant}: ${summary.describe}`),
  ];
  if (run.baseline) {
    lines.push(
      '',
      `baseline checkout: its default at ${formatRatio(run.baseline.throughput)} the req/s, ${formatRatio(run.baseline.capacity)} the capacity and ${formatRatio(run.baseline.p99)} the p99 of its own off (${run.baseline.pairs} paired round(s))`,
    );
  }
  lines.push(
    ...attributionLines(run.attribution),
    ...sharesLines(run),
    ...goalLines(run.goals),
    ...run.warnings.map((warning) => `WARNING: ${warning}`),
  );
  return `${lines.join('\n')}\n`;
}
