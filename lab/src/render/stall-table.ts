import { formatCount, isFiniteNumber } from '../format.js';
import type { Report, StrategyResult } from '../model.js';
import { formatShare, formatStalled, frameLocation } from '../report/stalls/frame-text.js';
import { STALL_CLASSES, type StallFigures } from '../stall-model.js';
import type { TextTable } from './matrix-tables.js';

/** Frames per row in the table; report.json, the flame graphs and the stall files hold more. */
const FRAMES_SHOWN = 3;

export const STALL_TABLE_ID = 'stalls';

const HEAD = [
  'strategy',
  'stalls',
  'stalled',
  'no CPU',
  'by class',
  'top frames',
  'where',
  'self',
  'incl.',
];

const NOTE =
  "Stalls: the loop did not turn for longer than the threshold; counted by the app (looplab_eventloop_stalls_total and _stalled_seconds_total over the phase). Frames: what the app's GET /looplab/stalls says ran in those stalls, weighted by time. self: share of the stalled time in which the frame was the innermost frame of the app's own code (what it called in the runtime, native code or a library counts as its own); incl.: share in which it was on the stack. no CPU: the share of the stalled time in which the loop thread was runnable but did not run (another thread or process had its core; the frames name the code it was in). report.html draws every stack as a flame graph; stalls.folded and stalls.speedscope.json in the report folder hold them for other tools.";

function byClass(stalls: StallFigures): string {
  return STALL_CLASSES.filter((kind) => stalls.byClass[kind])
    .map((kind) => `${kind} ${stalls.byClass[kind]?.count ?? 0}`)
    .join(', ');
}

/** Why a row with stalls shows no frame. */
function noFrames(stalls: StallFigures, count: number): string {
  if (stalls.attribution.note) return stalls.attribution.note;
  if (count === 0)
    return `no stall over ${isFiniteNumber(stalls.thresholdMs) ? `${stalls.thresholdMs} ms` : 'the threshold'}`;
  return 'no frames';
}

function rowsOf(result: StrategyResult, stalls: StallFigures): string[][] {
  const count = isFiniteNumber(stalls.count) ? stalls.count : stalls.attribution.stalls;
  const { waitedForCpuMs, stalledMs } = stalls.attribution;
  const head = [
    result.row,
    formatCount(stalls.count),
    formatStalled(stalls.stalledMs),
    stalledMs > 0 ? formatShare((100 * waitedForCpuMs) / stalledMs) : '–',
    byClass(stalls) || '–',
  ];
  const frames = stalls.top.slice(0, FRAMES_SHOWN);
  if (frames.length === 0 || count === 0) return [[...head, noFrames(stalls, count), '', '', '']];
  return frames.map((frame, index) => [
    ...(index === 0 ? head : head.map(() => '')),
    `${frame.function}${frame.kind === 'on_cpu' ? '' : ` (${frame.kind})`}`,
    frameLocation(frame),
    formatShare(frame.selfPct),
    formatShare(frame.sharePct),
  ]);
}

/**
 * "What blocked the loop": per row, its stalls and the frames that held them, as text both
 * report.md and report.html render. Undefined when no row knows anything of stalls.
 */
export function stallTable(report: Report): TextTable | undefined {
  const rows = report.strategies.flatMap((result) =>
    result.stalls ? rowsOf(result, result.stalls) : [],
  );
  if (rows.length === 0) return undefined;
  return {
    id: STALL_TABLE_ID,
    title: 'What blocked the loop',
    note: NOTE,
    head: HEAD,
    rows,
    textColumns: [0, 4, 5, 6],
  };
}
