import type { Report } from '../model.js';
import { rowsWithStacks } from './stall-stacks.js';

/**
 * The stalled stacks of a report for other tools: Brendan Gregg's folded format (flamegraph.pl,
 * inferno, speedscope, Pyroscope read it) and speedscope's own file format.
 */

export const FOLDED_FILE = 'stalls.folded';
export const SPEEDSCOPE_FILE = 'stalls.speedscope.json';

/** A frame of a folded line: `;` separates frames and the last space starts the count. */
const foldedFrame = (name: string): string => name.replace(/;/g, ':').replace(/[\r\n]/g, ' ');

/**
 * stalls.folded: one line per stack, `row;class;frame;...;leaf microseconds`, root first; the row
 * (strategy, with target and workload where the run varies them) is the root frame, so one flame
 * graph of the file puts the rows side by side. Counts are microseconds of stalled time (the
 * format wants integers).
 */
export function renderFolded(report: Report): string {
  const lines = rowsWithStacks(report.strategies).flatMap(({ result, paths }) =>
    paths
      .map((path) => ({
        stack: [result.row, ...path.frames.map((frame) => frame.name)].map(foldedFrame).join(';'),
        us: Math.round(path.weightMs * 1000),
      }))
      .filter(({ us }) => us > 0)
      .map(({ stack, us }) => `${stack} ${us}`),
  );
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

interface SpeedscopeFrame {
  name: string;
  file?: string;
  line?: number;
  col?: number;
}

/**
 * stalls.speedscope.json (https://www.speedscope.app/file-format-schema.json): one sampled
 * profile per row, each distinct stack one sample weighted by its stalled milliseconds.
 */
export function renderSpeedscope(report: Report): string {
  const frames: SpeedscopeFrame[] = [];
  const index = new Map<string, number>();
  const frameIndex = (frame: SpeedscopeFrame): number => {
    const key = JSON.stringify([frame.name, frame.file, frame.line]);
    let found = index.get(key);
    if (found === undefined) {
      found = frames.push(frame) - 1;
      index.set(key, found);
    }
    return found;
  };
  const profiles = rowsWithStacks(report.strategies).map(({ result, paths }) => {
    const samples = paths.map((path) =>
      path.frames.map(({ name, frame }) =>
        frameIndex({
          name: frame ? frame.function : name,
          ...(frame?.file ? { file: frame.file } : {}),
          ...(frame && frame.line !== null ? { line: frame.line } : {}),
        }),
      ),
    );
    const weights = paths.map((path) => path.weightMs);
    return {
      type: 'sampled' as const,
      name: `${result.row}: stalled time`,
      unit: 'milliseconds' as const,
      startValue: 0,
      endValue: weights.reduce((sum, weight) => sum + weight, 0),
      samples,
      weights,
    };
  });
  return `${JSON.stringify(
    {
      $schema: 'https://www.speedscope.app/file-format-schema.json',
      shared: { frames },
      profiles,
      name: `looplab ${report.runId}: what ran in the event-loop stalls`,
      activeProfileIndex: 0,
      exporter: `${report.tool.name} ${report.tool.version}`,
    },
    null,
    2,
  )}\n`;
}

/** Whether the report has any stalled stack to write. */
export const hasStalledStacks = (report: Report): boolean =>
  rowsWithStacks(report.strategies).length > 0;
