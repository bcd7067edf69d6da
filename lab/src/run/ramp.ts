import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strategy as strategyEntry } from '@looplab/contract';
import { formatMs } from '../format.js';
import type { RunConfig, Strategy } from '../model.js';
import { toJson } from '../render/report-folder.js';
import { summarizeRun } from '../report/assemble.js';
import {
  defaultCell,
  measure,
  type StrategyRunContext,
  startApp,
  statusReporter,
  warmUp,
} from './compare.js';

export interface RampOptions {
  strategy: Strategy;
  startRate: number;
  step: number;
  maxRate: number;
  /** The probe's client-side p99 must stay at or below this for a step to count. */
  p99BudgetMs: number;
}

export interface RampStep {
  triggerRate: number;
  probeP99Ms: number;
  probeErrors: number;
  triggerRejected: number;
  triggerErrors: number;
  dropped: number;
  lagMaxMs: number;
  /** Jobs accepted and jobs finished during the step (background strategies only). */
  triggerAccepted: number;
  tasksCompleted: number;
  taskWaitP95Ms: number;
  withinBudget: boolean;
}

/** Below this share of accepted jobs finished within the step, the backlog is growing. */
const KEEPING_UP = 0.9;

export interface RampResult {
  schemaVersion: 1;
  runId: string;
  strategy: Strategy;
  p99BudgetMs: number;
  config: RunConfig;
  steps: RampStep[];
  /** Highest trigger rate whose step stayed within budget; null when even the first did not. */
  capacityPerS: number | null;
  stoppedBecause: string;
}

function verdictOf(step: RampStep, budgetMs: number, strategy: Strategy): string | undefined {
  if (step.probeP99Ms > budgetMs)
    return `/ping p99 ${formatMs(step.probeP99Ms)} ms broke the ${budgetMs} ms budget`;
  if (step.triggerRejected > 0)
    return `${step.triggerRejected} trigger(s) rejected with 503 (queue full)`;
  if (step.probeErrors + step.triggerErrors > 0)
    return `${step.probeErrors + step.triggerErrors} request(s) failed`;
  if (step.dropped > 0) return `${step.dropped} request(s) could not be sent on schedule`;
  // Only strategies that accept work (202) and do it later can fall behind.
  if (
    strategyEntry(strategy).status === 202 &&
    step.tasksCompleted < step.triggerAccepted * KEEPING_UP
  ) {
    return `the backlog is growing: ${step.triggerAccepted} jobs accepted, ${step.tasksCompleted} finished (task wait p95 ${formatMs(step.taskWaitP95Ms)} ms)`;
  }
  return undefined;
}

/**
 * Raises the trigger rate step by step on one app until the probe's p99 breaks the budget
 * (or the queue rejects, or requests fail): the strategy's capacity at this workload.
 */
export async function runRamp(
  ctx: StrategyRunContext,
  options: RampOptions,
  onStep: (step: RampStep) => void,
): Promise<RampResult> {
  const steps: RampStep[] = [];
  let stoppedBecause = `reached --max-rate ${options.maxRate}/s within budget`;
  const cell = defaultCell(ctx.config, options.strategy);
  const app = await startApp(ctx, cell);
  try {
    for (let rate = options.startRate; rate <= options.maxRate; rate += options.step) {
      const stepCtx: StrategyRunContext = { ...ctx, config: { ...ctx.config, triggerRate: rate } };
      const status = statusReporter(stepCtx, cell);
      if (steps.length === 0) await warmUp(stepCtx, app, cell, status);
      const result = summarizeRun(await measure(stepCtx, app, cell, status));
      const step: RampStep = {
        triggerRate: rate,
        probeP99Ms: result.probe.p99,
        probeErrors: result.probe.errors,
        triggerRejected: result.trigger.rejected,
        triggerErrors: result.trigger.errors,
        dropped: result.droppedIterations,
        lagMaxMs: result.eventLoop.lagMaxMs,
        triggerAccepted: result.trigger.accepted,
        tasksCompleted: result.tasks.completed,
        taskWaitP95Ms: result.tasks.waitP95Ms,
        withinBudget: false,
      };
      const broken = verdictOf(step, options.p99BudgetMs, options.strategy);
      step.withinBudget = broken === undefined;
      steps.push(step);
      onStep(step);
      if (broken) {
        stoppedBecause = `at ${rate}/s: ${broken}`;
        break;
      }
    }
  } finally {
    await app.stop();
  }
  const passing = steps.filter((step) => step.withinBudget);
  return {
    schemaVersion: 1,
    runId: ctx.config.runId,
    strategy: options.strategy,
    p99BudgetMs: options.p99BudgetMs,
    config: ctx.config,
    steps,
    capacityPerS: passing.at(-1)?.triggerRate ?? null,
    stoppedBecause,
  };
}

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
