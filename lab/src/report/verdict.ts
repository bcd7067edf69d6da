import { formatMsUnit as ms, formatRatio as times } from '../format.js';
import type { Strategy, StrategyResult } from '../model.js';
import { groupLabel, groupsOf } from './groups.js';
import { tie } from './resolution.js';
import type { ReportTerms } from './terms.js';
import { tradeOff } from './trade-offs.js';

const LAB_TERMS: ReportTerms = { probe: '/ping', row: 'strategy' };

/** From this factor over the baseline, a strategy "raised" /ping p99 (when the run can tell). */
const RAISED = 1.5;

/** "a", "a and b", "a, b and c". */
function names(list: readonly StrategyResult[]): string {
  const all = list.map((result) => result.strategy);
  return all.length > 1 ? `${all.slice(0, -1).join(', ')} and ${all.at(-1)}` : (all[0] ?? '');
}

/**
 * Ranks by /ping p99 where a row the run cannot tell from the one before it (their ranges
 * overlap) shares its rank: 1, 2, 2, 4.
 */
function ranks(sorted: readonly StrategyResult[]): number[] {
  const out: number[] = [];
  sorted.forEach((result, index) => {
    const previous = sorted[index - 1];
    out.push(
      previous && tie(result, previous, 'probe.p99') ? (out[index - 1] as number) : index + 1,
    );
  });
  return out;
}

/**
 * Which background strategy keeps other requests' p99 lowest: the best, or the best and every
 * strategy the run cannot tell from it (a tie), against the worst.
 */
function winner(background: StrategyResult[], terms: ReportTerms): string | undefined {
  if (background.length < 2) return undefined;
  const best = background.reduce((a, b) => (b.probe.p99 < a.probe.p99 ? b : a));
  const worst = background.reduce((a, b) => (b.probe.p99 > a.probe.p99 ? b : a));
  const tied = background.filter(
    (result) => result.probe.p99 === best.probe.p99 || tie(result, best, 'probe.p99'),
  );
  const among = terms.row === 'variant' ? 'Of the other variants' : 'For background work';
  const { probe } = terms;
  if (tied.includes(worst))
    return `${among}, ${names(tied)} tie: their ${probe} p99s differ by less than this run can resolve.`;
  const factor = times(worst.probe.p99 / best.probe.p99);
  if (tied.length > 1)
    return `${among}, ${names(tied)} tie (their ${probe} p99s differ by less than this run can resolve): other requests' p99 is ${factor} lower than with ${worst.strategy}.`;
  return `${among}, ${best.strategy} wins: other requests' p99 is ${factor} lower than with ${worst.strategy}.`;
}

/**
 * One paragraph a reviewer can paste: what each strategy did to /ping's p99 against the
 * baseline, what the event loop saw, and which background strategy to use.
 */
export function writeVerdict(
  results: StrategyResult[],
  baseline: Strategy,
  terms: ReportTerms = LAB_TERMS,
): string {
  const groups = groupsOf(results);
  if (groups.length <= 1) return groupVerdict(results, baseline, terms);
  return groups
    .map((group) => `[${groupLabel(group)}] ${groupVerdict(group, baseline, terms)}`)
    .join('\n\n');
}

/** The paragraph for rows that share target, workload and tracing. */
function groupVerdict(results: StrategyResult[], baseline: Strategy, terms: ReportTerms): string {
  const { probe } = terms;
  const base = results.find((result) => result.strategy === baseline);
  const others = results.filter((result) => result.strategy !== baseline);
  const sentences: string[] = [];
  if (base) {
    const effects = others.map((result) => {
      const raised = result.ratios.probeP99 >= RAISED && !tie(result, base, 'probe.p99');
      return `${result.strategy} ${raised ? 'raised it to' : 'kept it at'} ${ms(result.probe.p99)} (${times(result.ratios.probeP99)})`;
    });
    sentences.push(
      `With ${baseline} as the baseline, ${probe} p99 was ${ms(base.probe.p99)}${effects.length > 0 ? `; ${effects.join('; ')}` : ''}.`,
    );
  } else {
    sentences.push(
      `No ${baseline} baseline in this run; ${probe} p99: ${results.map((r) => `${r.strategy} ${ms(r.probe.p99)}`).join(', ')}.`,
    );
  }
  sentences.push(lagSentence(results));
  // A strategy without a p99 (every probe failed) cannot be ranked.
  const background = results.filter(
    (result) => result.strategy !== baseline && Number.isFinite(result.probe.p99),
  );
  const verdict = winner(background, terms);
  if (verdict) sentences.push(verdict);
  const ranked = results
    .filter((result) => Number.isFinite(result.probe.p99))
    .sort((a, b) => a.probe.p99 - b.probe.p99);
  if (ranked.length > 1) {
    const rank = ranks(ranked);
    const entries = ranked.map((result, index) => {
      const cost = tradeOff(result, results);
      return `${rank[index]}. ${result.strategy} ${ms(result.probe.p99)}${cost ? ` (${cost})` : ''}`;
    });
    const tied =
      new Set(rank).size < rank.length
        ? " A shared rank is a tie within this run's resolution."
        : '';
    sentences.push(`Ranked by ${probe} p99: ${entries.join('; ')}.${tied}`);
  }
  const unhealthy = results.filter(
    (result) => result.probe.errors > 0 || result.droppedIterations > 0,
  );
  for (const result of unhealthy) {
    sentences.push(
      `Warning: under ${result.strategy}, ${result.probe.errors} probe request(s) failed and ${result.droppedIterations} request(s) could not be sent on schedule.`,
    );
  }
  // A variant's own requests failing is your service failing: its row measures that, not the work.
  if (terms.row === 'variant')
    for (const result of results.filter((r) => r.trigger.errors > 0))
      sentences.push(
        `Warning: ${result.trigger.errors} of ${result.trigger.sent} of ${result.strategy}'s own requests failed (no answer, or not 2xx): its row measures a failing variant.`,
      );
  return sentences.join(' ');
}

/** Each row's max lag; a service that exports none gets one sentence saying so instead. */
function lagSentence(results: readonly StrategyResult[]): string {
  const probeOnly =
    results.length > 0 &&
    results.every((result) => result.resolution['eventLoop.lagMaxMs']?.kind === 'none');
  if (probeOnly)
    return 'The service exports no event-loop metric looplab reads: the probe alone measures (probe only).';
  return `Max event-loop lag: ${results.map((result) => `${result.strategy} ${ms(result.eventLoop.lagMaxMs)}`).join(', ')}.`;
}
