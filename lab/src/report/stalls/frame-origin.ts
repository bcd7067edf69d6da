import type { FrameRef } from '../../stall-model.js';

/**
 * Whose code a frame is: the app's own, a library it installed, or the runtime's (Node's
 * internals and natives, V8's pseudo frames, Python's standard library). The report blames a
 * stall on the innermost frame of the app's own code: that is the call a reader can change.
 */
export type FrameOrigin = 'app' | 'library' | 'runtime';

/** Installed packages: npm's and pip's folders. */
const LIBRARY = /[\\/](node_modules|site-packages|dist-packages)[\\/]/;
/** Python's standard library (lib/python3.11/...), outside site-packages (tested first). */
const PYTHON_STDLIB = /[\\/]lib[\\/]python\d+(\.\d+)?[\\/]/;

export function frameOrigin(frame: FrameRef): FrameOrigin {
  const { file } = frame;
  // No position: a native function, or V8's (garbage collector) and (program).
  if (file === '') return 'runtime';
  if (file.startsWith('node:') || file.startsWith('<frozen ')) return 'runtime';
  if (LIBRARY.test(file)) return 'library';
  if (PYTHON_STDLIB.test(file)) return 'runtime';
  return 'app';
}

/**
 * asyncio's loop running a callback (`Handle._run`) or choosing the next ones (`_run_once`): a
 * Python stack holds the whole program, so the service's own `main()` sits above every callback.
 * Node's stacks begin at the dispatch already (processImmediate, processTicksAndRejections).
 */
const PYTHON_LOOP_DISPATCH = /[\\/]asyncio[\\/](events|base_events)\.py$/;
const isLoopDispatch = (frame: FrameRef): boolean =>
  PYTHON_LOOP_DISPATCH.test(frame.file) &&
  (frame.function === 'Handle._run' || frame.function === 'BaseEventLoop._run_once');

/**
 * The frame a stack's time is blamed on, among the frames below the event loop's dispatch (what
 * the callback ran; the program's entry above it is not the stall's cause): the innermost frame
 * of the app's own code; without one, the innermost library frame; without one, the leaf (e.g.
 * `(garbage collector)`, or the selector a loop waited in between callbacks).
 */
export function blamedIndex(frames: readonly FrameRef[]): number {
  const from = frames.findLastIndex(isLoopDispatch) + 1;
  const innermost = (origin: FrameOrigin) => {
    const index = frames.findLastIndex((frame) => frameOrigin(frame) === origin);
    return index >= from ? index : -1;
  };
  const app = innermost('app');
  if (app >= 0) return app;
  const library = innermost('library');
  return library >= 0 ? library : frames.length - 1;
}
