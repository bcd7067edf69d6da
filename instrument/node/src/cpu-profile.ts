/** The parts of a V8 CPU profile (Chrome DevTools Protocol `Profiler.Profile`) this package reads. */
export interface CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  /** 0-based; -1 when V8 knows no position (natives, pseudo frames). */
  lineNumber: number;
  columnNumber: number;
}

export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  /** Monotonic clock, µs. */
  startTime: number;
  endTime: number;
  /** Node id of each sample's leaf frame. */
  samples?: number[];
  /** µs from the previous sample (the first: from startTime). */
  timeDeltas?: number[];
}
