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
 * The frame a stack's time is blamed on: its innermost frame of the app's own code; without one,
 * its innermost library frame; without one, its leaf (e.g. `(garbage collector)`).
 */
export function blamedIndex(frames: readonly FrameRef[]): number {
  const innermost = (origin: FrameOrigin) =>
    frames.findLastIndex((frame) => frameOrigin(frame) === origin);
  const app = innermost('app');
  if (app >= 0) return app;
  const library = innermost('library');
  return library >= 0 ? library : frames.length - 1;
}
