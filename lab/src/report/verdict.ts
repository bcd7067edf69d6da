import { formatMsUnit as ms, formatRatio as times } from '../format.js';
import type { Strategy, StrategyResult } from '../model.js';
import { groupLabel, groupsOf } from './groups.js';
import { tradeOff } from './trade-offs.js';

/**
 * One paragraph a reviewer can paste: what each strategy did to /ping's p99 against the
 * baseline, what the event loop saw, and which background strategy to use.
 */
export function writeVerdict(results: StrategyResult[], baseline: Strategy): string {
  const groups = groupsOf(results);
  if (groups.length <= 1) return groupVerdict(results, baseline);
  return groups
    .map((group) => `[${groupLabel(group)}] ${groupVerdict(group, baseline)}`)
    .join('\n\n');
}

/** The paragraph for rows that share target, workload and tracing. */
function groupVerdict(results: StrategyResult[], baseline: Strategy): string {
  const base = results.find((result) => result.strategy === baseline);
  const others = results.filter((result) => result.strategy !== baseline);
  const sentences: string[] = [];
  if (base) {
    const effects = others.map((result) => {
      const raised = result.ratios.probeP99 >= 1.5;
      return `${result.strategy} ${raised ? 'raised it to' : 'kept it at'} ${ms(result.probe.p99)} (${times(result.ratios.probeP99)})`;
    });
    sentences.push(
      `With ${baseline} as the baseline, /ping p99 was ${ms(base.probe.p99)}${effects.length > 0 ? `; ${effects.join('; ')}` : ''}.`,
    );
  } else {
    sentences.push(
      `No ${baseline} baseline in this run; /ping p99: ${results.map((r) => `${r.strategy} ${ms(r.probe.p99)}`).join(', ')}.`,
    );
  }
  sentences.push(
    `Max event-loop lag: ${results.map((result) => `${result.strategy} ${ms(result.eventLoop.lagMaxMs)}`).join(', ')}.`,
  );
  // A strategy without a p99 (every probe failed) cannot be ranked.
  const background = results.filter(
    (result) => result.strategy !== baseline && Number.isFinite(result.probe.p99),
  );
  if (background.length > 1) {
    const best = background.reduce((a, b) => (b.probe.p99 < a.probe.p99 ? b : a));
    const worst = background.reduce((a, b) => (b.probe.p99 > a.probe.p99 ? b : a));
    const factor = worst.probe.p99 / best.probe.p99;
    sentences.push(
      `For background work, ${best.strategy} wins: other requests' p99 is ${times(factor)} lower than with ${worst.strategy}.`,
    );
  }
  const ranked = results
    .filter((result) => Number.isFinite(result.probe.p99))
    .sort((a, b) => a.probe.p99 - b.probe.p99);
  if (ranked.length > 1) {
    const entries = ranked.map((result, index) => {
      const cost = tradeOff(result, results);
      return `${index + 1}. ${result.strategy} ${ms(result.probe.p99)}${cost ? ` (${cost})` : ''}`;
    });
    sentences.push(`Ranked by /ping p99: ${entries.join('; ')}.`);
  }
  const unhealthy = results.filter(
    (result) => result.probe.errors > 0 || result.droppedIterations > 0,
  );
  for (const result of unhealthy) {
    sentences.push(
      `Warning: under ${result.strategy}, ${result.probe.errors} probe request(s) failed and ${result.droppedIterations} request(s) could not be sent on schedule.`,
    );
  }
  return sentences.join(' ');
}
