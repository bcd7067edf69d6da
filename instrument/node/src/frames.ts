import { isAbsolute, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallFrame } from './cpu-profile.js';
import { SourceMaps } from './source-maps.js';
import type { StallFrame } from './stall-document.js';

/**
 * Libraries keep their compiled positions: their maps can be megabytes (parsing one held the
 * loop for 60 ms), and the frames worth mapping are the service's own.
 */
const NODE_MODULES = `${sep}node_modules${sep}`;

/**
 * Turns V8 call frames into stall frames: file paths instead of file URLs, 1-based lines, and
 * the service's compiled JavaScript mapped back to its source (TypeScript) when a map exists.
 * Frames are the same for the life of a script, so each is resolved once.
 */
export class FrameResolver {
  private readonly resolved = new Map<string, StallFrame>();

  constructor(private readonly sourceMaps = new SourceMaps()) {}

  resolve = (frame: CallFrame): StallFrame => {
    const key = `${frame.scriptId}:${frame.lineNumber}:${frame.columnNumber}:${frame.functionName}`;
    let resolved = this.resolved.get(key);
    if (resolved === undefined) {
      resolved = this.describe(frame);
      this.resolved.set(key, resolved);
    }
    return resolved;
  };

  private describe(frame: CallFrame): StallFrame {
    const name = frame.functionName || '(anonymous)';
    const file = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
    if (frame.lineNumber < 0) return { function: name, file, line: null, column: null };
    const original =
      isAbsolute(file) && !file.includes(NODE_MODULES)
        ? this.sourceMaps.original(file, frame.lineNumber, frame.columnNumber)
        : undefined;
    return original
      ? { function: name, file: original.file, line: original.line, column: original.column }
      : { function: name, file, line: frame.lineNumber + 1, column: frame.columnNumber + 1 };
  }
}
