/**
 * Text that arrives in chunks, cut into whole lines: a line split across two chunks is joined
 * before it is handed on, so a child's message is never broken where a pipe happened to cut it.
 */
export class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }

  /** The text after the last newline so far. */
  get pending(): string {
    return this.partial;
  }

  /** Hands on the last line when the text did not end with a newline. */
  end(): void {
    if (this.partial !== '') this.onLine(this.partial);
    this.partial = '';
  }
}

/** The last `max` non-empty lines of a chunked stream (a child's stderr), whole. */
export class LineTail {
  private readonly kept: string[] = [];
  private readonly splitter = new LineSplitter((line) => {
    if (line.trim() === '') return;
    this.kept.push(line);
    if (this.kept.length > this.max) this.kept.shift();
  });

  constructor(private readonly max: number) {}

  push(chunk: string): void {
    this.splitter.push(chunk);
  }

  /** The kept lines, including a last line that has no newline yet. */
  lines(): string[] {
    const pending = this.splitter.pending;
    return (pending.trim() === '' ? this.kept : [...this.kept, pending]).slice(-this.max);
  }
}
