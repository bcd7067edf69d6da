import { strategiesData } from './generated.js';

export type Runtime = keyof typeof strategiesData.runtimes;
export const RUNTIMES = Object.keys(strategiesData.runtimes) as Runtime[];

type StrategyEntry = (typeof strategiesData.strategies)[number];
export type StrategyName = StrategyEntry['name'];
/** Which of a strategy's costs the report's verdict names (see schema/contract.schema.json). */
export type TradeOffKind = StrategyEntry['tradeOff'];

export interface StrategyDefinition {
  name: StrategyName;
  runtimes: readonly Runtime[];
  method: 'GET' | 'POST';
  route: string;
  /** Status of a successful trigger: 200 (answered after the work) or 202 (accepted). */
  status: 200 | 202;
  /** Whether the work is meant to run off the event loop. */
  offLoop: boolean;
  /** Services the strategy needs besides the app (e.g. redis). */
  needs: readonly string[];
  /** Chart and dashboard colour. */
  color: string;
  does: string;
  expect: string;
  /** The cost the report's verdict names for it. */
  tradeOff: TradeOffKind;
  /** Its jobs run in the separate queue worker process (npm run worker). */
  workerProcess: boolean;
}

export const STRATEGIES: readonly StrategyDefinition[] = strategiesData.strategies.map(
  (entry): StrategyDefinition => ({ needs: [], workerProcess: false, ...entry }),
);
export const STRATEGY_NAMES = STRATEGIES.map((s) => s.name);
export const BASELINE_STRATEGY: StrategyName = strategiesData.baseline;
export const PROBE = strategiesData.probe;

/** The strategy whose jobs the queue worker process runs (its metrics carry this name). */
export const WORKER_STRATEGY: StrategyName = (() => {
  const [only, ...more] = STRATEGIES.filter((s) => s.workerProcess);
  if (!only || more.length > 0)
    throw new Error('contract/data/strategies.json: exactly one strategy has workerProcess: true');
  return only.name;
})();

export function isStrategyName(value: string): value is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(value);
}

export function strategy(name: StrategyName): StrategyDefinition {
  const found = STRATEGIES.find((s) => s.name === name);
  if (!found) throw new Error(`unknown strategy ${name}`);
  return found;
}

export function strategiesOf(runtime: Runtime): StrategyDefinition[] {
  return STRATEGIES.filter((s) => s.runtimes.includes(runtime));
}

export function runtimeTitle(runtime: Runtime): string {
  return strategiesData.runtimes[runtime].title;
}

/** The strategy a route belongs to, or undefined (e.g. /ping, /metrics). */
export function strategyOfRoute(route: string): StrategyName | undefined {
  return STRATEGIES.find((s) => s.route === route)?.name;
}
