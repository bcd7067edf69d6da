import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMs } from '../format.js';
import type { RampResult } from '../run/ramp.js';
import { toJson } from './report-folder.js';

/** ramp.md: the capacity, then one line per step. */
export function renderRampMarkdown(result: RampResult): string {
  const { config } = result;
  const capacity =
    result.capacityPerS === null
      ? `**No capacity**: the first step already broke the budget.`
      : `**Capacity: ${result.capacityPerS} jobs/s** of ${config.workload} ${config.workloadMs} ms with /ping p99 ≤ ${result.p99BudgetMs} ms.`;
  const rows = result.steps.map(
    (step) =>
      `| ${step.triggerRate} | ${formatMs(step.probeP99Ms)} | ${formatMs(step.lagMaxMs)} | ${step.triggerAccepted} / ${step.tasksCompleted} | ${formatMs(step.taskWaitP95Ms)} | ${step.triggerRejected} | ${step.probeErrors + step.triggerErrors} | ${step.dropped} | ${step.withinBudget ? '✅' : '❌'} |`,
  );
  return [
    `# looplab ramp: ${result.strategy}`,
    '',
    `${capacity} Stopped ${result.stoppedBecause}.`,
    '',
    '| jobs/s | /ping p99 (ms) | lag max (ms) | jobs accepted / finished | task wait p95 (ms) | rejected | errors | dropped | within budget |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
    ...rows,
    '',
    `_${config.durationS} s per step at ${config.probeRate} probe/s, pool size ${config.poolSize}; /ping latency is client-side._`,
    '',
  ].join('\n');
}

export function writeRampFolder(folder: string, result: RampResult): string[] {
  mkdirSync(folder, { recursive: true });
  const json = join(folder, 'ramp.json');
  const markdown = join(folder, 'ramp.md');
  writeFileSync(json, toJson(result));
  writeFileSync(markdown, renderRampMarkdown(result));
  return [json, markdown];
}
