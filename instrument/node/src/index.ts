export type { CallFrame, CpuProfile, ProfileNode } from './cpu-profile.js';
export { foldWindow, ProfileIndex, type TimeWindow, type WindowFold } from './fold.js';
export { FrameResolver } from './frames.js';
export { METRICS_PATH, STALLS_PATH } from './http.js';
export { instrument, type LooplabInstrument } from './instrument.js';
export {
  InstrumentOptionError,
  type InstrumentOptions,
  optionsFromEnv,
  type ResolvedOptions,
  resolveOptions,
  SETTING_BOUNDS,
} from './options.js';
export type { StallClass } from './stall-detector.js';
export type {
  StallFrame,
  StallRecord,
  StallStack,
  StallsDocument,
} from './stall-document.js';
