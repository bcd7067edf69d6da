import type { FrameRef } from '../../stall-model.js';

/** Where a frame is, short: `workloads.ts:44`; "" where the runtime knows no position. */
export function frameLocation(frame: FrameRef): string {
  if (frame.file === '') return '';
  const name = frame.file.split(/[\\/]/).at(-1) || frame.file;
  return frame.line === null ? name : `${name}:${frame.line}`;
}

/** A share of the stalled time: `96 %`, `4.3 %`, `0.2 %`. */
export function formatShare(pct: number): string {
  return `${pct >= 10 ? pct.toFixed(0) : pct.toFixed(1)} %`;
}

/** Stalled time: `4.1 s`, `180 ms`. */
export function formatStalled(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
}
