import type { StrategyResult } from '../../model.js';

/** Some of a row's figures, with the resolution of those that are estimates. */
export type Figures<K extends keyof StrategyResult> = Pick<StrategyResult, K> & {
  resolution: StrategyResult['resolution'];
};
