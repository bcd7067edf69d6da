import type { ChildProcess } from 'node:child_process';

export type Stream = 'stdout' | 'stderr';

/** The last lines a child process wrote (stdout and stderr), for error messages; and a line watcher. */
export class OutputTail {
  private readonly lines: string[] = [];
  private readonly watchers = new Set<(line: string, stream: Stream) => void>();

  constructor(
    child: ChildProcess,
    private readonly keep = 30,
  ) {
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      child[stream]?.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) this.push(line, stream);
      });
    }
  }

  get last(): string[] {
    return [...this.lines];
  }

  /** Calls `watch` with every line from now on; returns the function that stops watching. */
  onLine(watch: (line: string, stream: Stream) => void): () => void {
    this.watchers.add(watch);
    return () => this.watchers.delete(watch);
  }

  private push(line: string, stream: Stream): void {
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.shift();
    for (const watch of this.watchers) watch(line, stream);
  }
}
