import { isStrategyName, strategy as strategyEntry } from '@looplab/contract';

export interface StrategyPalette {
  /** Main colour (bars, table dot) and three shades for p50/p95/p99 lines. */
  main: string;
  p50: string;
  p95: string;
  p99: string;
}

/** For a name the contract does not know (an old report): a neutral grey. */
const UNKNOWN_COLOR = '#8b949e';

/** Variants of your own service, in row order: distinct from each other, not the lab's meanings. */
const VARIANT_COLORS = ['#1f6feb', '#db6d28', '#8957e5', '#2da44e', '#bf3989', '#9a6700'];

function channels(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** `hex` moved towards `toward` (0 = unchanged, 1 = toward itself). */
function mix(hex: string, toward: [number, number, number], amount: number): string {
  const mixed = channels(hex).map((c, i) => Math.round(c + ((toward[i] as number) - c) * amount));
  return `#${mixed.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The strategy's colour from the contract (strategies.json), with a light p50 and a dark p99
 * shade; a variant of your own service gets the colour of its place among the rows (`index`).
 */
export function strategyPalette(name: string, index?: number): StrategyPalette {
  const main = isStrategyName(name)
    ? strategyEntry(name).color
    : index === undefined
      ? UNKNOWN_COLOR
      : (VARIANT_COLORS[index % VARIANT_COLORS.length] as string);
  return {
    main,
    p50: mix(main, [255, 255, 255], 0.55),
    p95: main,
    p99: mix(main, [0, 0, 0], 0.4),
  };
}

/** A row's palette: by its strategy, or by its place among the report's rows. */
export function rowPalette(
  rows: ReadonlyArray<{ strategy: string }>,
  strategy: string,
): StrategyPalette {
  const index = rows.findIndex((row) => row.strategy === strategy);
  return strategyPalette(strategy, index < 0 ? undefined : index);
}
