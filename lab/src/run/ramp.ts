import { strategy as strategyEntry } from '@looplab/contract';
import { formatMs } from '../format.js';
import type {
  RawStrategyRun,
  RunConfig,
  StrategyName,
  StrategyResult,
  WorkloadKind,
} from '../model.js';
import {
  defaultCell,
  measure,
  type StrategyRunContext,
  startApp,
  statusReporter,
  warmUp,
} from './compare.js';

export interface RampOptions {
  strategy: StrategyName;
  workload: WorkloadKind;
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

/** What a step reads of its measured phase: the report builder's figures (the command supplies them). */
export type StepFigures = Pick<
  StrategyResult,
  'probe' | 'trigger' | 'droppedIterations' | 'eventLoop' | 'tasks'
>;

/** Below this share of accepted jobs finished within the step, the backlog is growing. */
const KEEPING_UP = 0.9;

export interface RampResult {
  schemaVersion: 1;
  runId: string;
  strategy: StrategyName;
  p99BudgetMs: number;
  config: RunConfig;
  steps: RampStep[];
  /** Highest trigger rate whose step stayed within budget; null when even the first did not. */
  capacityPerS: number | null;
  stoppedBecause: string;
}

function verdictOf(step: RampStep, budgetMs: number, strategy: StrategyName): string | undefined {
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
  figuresOf: (run: RawStrategyRun, config: RunConfig) => StepFigures,
  onStep: (step: RampStep) => void,
): Promise<RampResult> {
  const steps: RampStep[] = [];
  let stoppedBecause = `reached --max-rate ${options.maxRate}/s within budget`;
  const cell = defaultCell(options.strategy, options.workload);
  const app = await startApp(ctx, cell);
  try {
    for (let rate = options.startRate; rate <= options.maxRate; rate += options.step) {
      const stepCtx: StrategyRunContext = { ...ctx, config: { ...ctx.config, triggerRate: rate } };
      const status = statusReporter(stepCtx, cell);
      if (steps.length === 0) await warmUp(stepCtx, app, cell, status);
      const result = figuresOf(await measure(stepCtx, app, cell, status), stepCtx.config);
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
