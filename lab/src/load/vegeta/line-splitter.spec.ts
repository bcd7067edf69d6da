import { describe, expect, it } from 'vitest';
import { LineSplitter, LineTail } from './line-splitter.js';

/** `text` cut into chunks of `size` characters: every line boundary lands mid-chunk somewhere. */
function chunks(text: string, size: number): string[] {
  return Array.from({ length: Math.ceil(text.length / size) }, (_, i) =>
    text.slice(i * size, (i + 1) * size),
  );
}

describe('LineTail (a child process stderr, whole lines)', () => {
  const stderr = "taskset: failed to set pid 4242's affinity: Invalid argument\nsecond line\n";

  it('keeps a line cut by a chunk boundary whole, whatever the chunk size', () => {
    for (let size = 1; size <= stderr.length; size++) {
      const tail = new LineTail(20);
      for (const chunk of chunks(stderr, size)) tail.push(chunk);
      expect(tail.lines(), `chunks of ${size}`).toEqual([
        "taskset: failed to set pid 4242's affinity: Invalid argument",
        'second line',
      ]);
    }
  });

  it('keeps the last N lines and a last line without a newline', () => {
    const tail = new LineTail(2);
    for (const chunk of chunks('one\ntwo\nthr', 3)) tail.push(chunk);
    tail.push('ee');
    expect(tail.lines()).toEqual(['two', 'three']);
    // Reading does not end the stream: a later chunk still continues the last line.
    tail.push('!\n');
    expect(tail.lines()).toEqual(['two', 'three!']);
  });

  it('drops blank lines', () => {
    const tail = new LineTail(5);
    tail.push('\n\na\n \n');
    expect(tail.lines()).toEqual(['a']);
  });
});

describe('LineSplitter', () => {
  it('hands on each line once, split anywhere, and the unterminated rest at the end', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    for (const chunk of ['{"a":', '1}\n{"b"', ':2}\n{"c":3}']) splitter.push(chunk);
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    splitter.end();
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });
});
