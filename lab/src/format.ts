/**
 * Number and date formatting shared by every report renderer, so report.md and report.html
 * show the same text for the same number. Anything that is not a finite number (NaN, ±Infinity,
 * or null after a JSON round trip) renders as an en dash.
 */
export const DASH = '–';

/** True for a finite number; report.json turns NaN into null, so both are "no value". */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Milliseconds without unit, 1 decimal by default: `3.1`. */
export function formatMs(value: number | null | undefined, digits = 1): string {
  return isFiniteNumber(value) ? value.toFixed(digits) : DASH;
}

/** Milliseconds with unit, for prose and tooltips: `3.1 ms`. */
export function formatMsUnit(value: number | null | undefined): string {
  return isFiniteNumber(value) ? `${formatMs(value)} ms` : DASH;
}

/** A ratio to the baseline: `1.29×`, `64.5×`, `206×`. */
export function formatRatio(value: number | null | undefined): string {
  if (!isFiniteNumber(value)) return DASH;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}×`;
}

/** A 0..1 fraction as a percentage without unit: `8.1`. */
export function formatPercent(fraction: number | null | undefined): string {
  return isFiniteNumber(fraction) ? (fraction * 100).toFixed(1) : DASH;
}

/** A count: `30`. */
export function formatCount(value: number | null | undefined): string {
  return isFiniteNumber(value) ? String(Math.round(value)) : DASH;
}

/** A rate with 1 decimal: `49.9`. */
export function formatRate(value: number | null | undefined): string {
  return isFiniteNumber(value) ? value.toFixed(1) : DASH;
}

/** An ISO timestamp as `2025-11-25 19:31:42 UTC` (always UTC, so output never depends on the machine). */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Seconds, trimmed: `30 s`, `2.5 s`. */
export function formatSeconds(value: number | null | undefined): string {
  return isFiniteNumber(value) ? `${Number(value.toFixed(3))} s` : DASH;
}

/**
 * A budget's actual or limit value. A ratio budget (maxRatio set) compares ratios to the
 * baseline, so both numbers are ratios; an absolute budget (maxMs) compares milliseconds.
 */
export function formatBudgetValue(budget: { maxRatio?: number }, value: number): string {
  return isFiniteNumber(budget.maxRatio) ? formatRatio(value) : formatMsUnit(value);
}

/** One sentence on a list of budget results: `1 of 2 budgets failed.` */
export function formatBudgetSummary(budgets: ReadonlyArray<{ passed: boolean }>): string {
  const failed = budgets.filter((b) => !b.passed).length;
  const total = budgets.length;
  if (total === 1) return failed ? 'The budget failed.' : 'The budget passed.';
  return failed === 0 ? `All ${total} budgets passed.` : `${failed} of ${total} budgets failed.`;
}
