import type { StallClass } from './stall-detector.js';

/** One frame of a folded stack. `file` is "" and `line`/`column` null where V8 knows no position. */
export interface StallFrame {
  function: string;
  file: string;
  /** 1-based. */
  line: number | null;
  column: number | null;
}

export interface StallStack {
  thread: 'main';
  /** Time-weighted: the sum of the samples' durations inside the stall window. */
  weightMs: number;
  /** Root first, leaf last. */
  frames: StallFrame[];
}

export interface StallRecord {
  seq: number;
  startMs: number;
  endMs: number;
  durationMs: number;
  class: StallClass;
  cpuMs: number | null;
  samples: number;
  /** Heaviest first. */
  stacks: StallStack[];
}

/** The answer of GET /looplab/stalls (schemaVersion 1, shared with the Python package). */
export interface StallsDocument {
  schemaVersion: 1;
  runtime: 'node';
  attribution: boolean;
  thresholdMs: number;
  sampleIntervalMs: number;
  next: number;
  dropped: number;
  stalls: StallRecord[];
}

export const OTHER_STACKS_FRAME: StallFrame = {
  function: '(other stacks)',
  file: '',
  line: null,
  column: null,
};
