/**
 * Event-loop stalls as the files hold them (model.ts holds the rest): what an app's
 * `GET /looplab/stalls` answered (raw.json), the stall counters of a scrape, and the figures the
 * report gives each row (report.json). lab/schema/stalls.schema.json is their JSON Schema.
 */

/**
 * The classes of a stall, as the apps label looplab_eventloop_stalls_total{class} and the stalls
 * they serve (the contract's `class` label: contract/data/metrics.json).
 */
export const STALL_CLASSES = ['on_cpu', 'off_cpu', 'gil_wait', 'native'] as const;
export type StallClass = (typeof STALL_CLASSES)[number];

/** One frame of a stack. `file` is "" and `line` null where the runtime knows no position. */
export interface StallFrame {
  function: string;
  file: string;
  /** 1-based. */
  line: number | null;
  /** Node only. */
  column?: number | null;
}

/** One distinct stack of a stall, as the app folded it. */
export interface StallStack {
  /** Whose frames: the loop's thread, or (Python gil_wait) the thread that held the GIL. */
  thread: string;
  /** The time the stack's samples stand for inside the stall, ms. */
  weightMs: number;
  /** Root first, leaf last. */
  frames: StallFrame[];
}

export interface StallRecord {
  seq: number;
  /** Epoch ms (the app's clock) when the loop last turned, and when it turned again. */
  startMs: number;
  endMs: number;
  durationMs: number;
  class: StallClass;
  /** The loop thread's own CPU time in the window, ms (null when unknown). */
  cpuMs: number | null;
  samples: number;
  /** Heaviest first. */
  stacks: StallStack[];
}

/** The answer of `GET /looplab/stalls` (its schemaVersion 1, both runtimes). */
export interface StallsAnswer {
  schemaVersion: 1;
  runtime: string;
  /** false: the app runs with LOOPLAB_ATTRIBUTION=off (stalls listed, no stacks). */
  attribution: boolean;
  thresholdMs: number;
  sampleIntervalMs: number;
  next: number;
  /** Stalls the app evicted before any reader got them, since it started. */
  dropped: number;
  stalls: StallRecord[];
}

/**
 * What the runner got from a cell's app for its measured phase (raw.json): the stalls since a
 * cursor taken as the phase began, or why there are none: the app does not serve them (404, an
 * older build or another service) or the request failed.
 */
export type RawStalls =
  | {
      status: 'fetched';
      /** The answer's `dropped` when the phase began: the difference was dropped during it. */
      droppedBefore: number;
      answer: StallsAnswer;
    }
  | { status: 'unavailable'; reason: string };

/** One scrape's stall counters (the app's own, cumulative), only when the app exports them. */
export interface StallCounters {
  /** looplab_eventloop_stalls_total by class (a class absent: none yet). */
  count: Partial<Record<StallClass, number>>;
  /** looplab_eventloop_stalled_seconds_total by class. */
  seconds: Partial<Record<StallClass, number>>;
  /** looplab_eventloop_stall_threshold_seconds, when exported. */
  thresholdS?: number;
}

/** A frame as the report names it (the column is left out: one function is one frame). */
export interface FrameRef {
  function: string;
  file: string;
  line: number | null;
}

/** The stalled time of one distinct stack over a row's stalls (folded), ms. */
export interface FoldedStack {
  kind: StallClass;
  thread: string;
  /** Root first, leaf last. */
  frames: FrameRef[];
  weightMs: number;
}

/**
 * A frame and its share of the row's stalled time, in stalls of one class. `selfPct` counts the
 * stacks in which it is the innermost frame of the app's own code (what it called in the runtime,
 * in native code or in libraries counts as its own: that is the call to change); `sharePct`
 * every stack it is in.
 */
export interface TopFrame extends FrameRef {
  kind: StallClass;
  sharePct: number;
  selfPct: number;
}

/** Whether the row's frames exist, and why not. */
export interface StallAttribution {
  /** on: from the app's GET /looplab/stalls; off: the app runs with LOOPLAB_ATTRIBUTION=off. */
  state: 'on' | 'off' | 'unavailable';
  /** In words, when state is not on ("no attribution from this target: ..."). */
  note?: string;
  /** The stalls the frames come from: those the counters counted over the phase (by number). */
  stalls: number;
  stalledMs: number;
  /** Stalls the app evicted from its buffer during the phase before the runner read them. */
  dropped: number;
  /**
   * Of these stalls' time, how long the loop thread did not run in on_cpu stalls (their duration
   * less its CPU time, `cpuMs`): the apps class a runnable thread as on_cpu, so this is the time
   * another thread or process had its core. The frames still name the code on the stack then.
   */
  waitedForCpuMs: number;
}

/** A row's stalls (report.json): counts from the app's counters, frames from its stall list. */
export interface StallFigures {
  /**
   * Stalls longer than the threshold during the phase and the time they held the loop, from the
   * stall counters at the phase's two instants (NaN where the app does not export them).
   */
  count: number;
  stalledMs: number;
  thresholdMs: number;
  byClass: Partial<Record<StallClass, { count: number; stalledMs: number }>>;
  attribution: StallAttribution;
  /** Heaviest first (by selfPct), at most TOP_FRAMES; empty without stalls or attribution. */
  top: TopFrame[];
  /** Every distinct stack, heaviest first (the lightest merged into one past a bound). */
  stacks: FoldedStack[];
}
