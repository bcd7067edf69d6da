/**
 * Each strategy's colour from the contract (the report's charts use the same ones), as field
 * overrides for panels that draw one series per strategy.
 */
import { STRATEGIES } from '@looplab/contract';

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Overrides that colour every series whose display name matches `pattern(strategy)`: pass the
 * legend's shape, e.g. (s) => `${s} in flight`. The pattern is anchored at both ends.
 */
export function strategyColors(
  pattern: (strategyRegex: string) => string,
): Array<{ regex: string; properties: Array<{ id: string; value: unknown }> }> {
  return STRATEGIES.map((s) => ({
    regex: `^${pattern(escapeRegex(s.name))}$`,
    properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: s.color } }],
  }));
}
