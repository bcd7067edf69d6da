import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { OutputTail } from './output-tail.js';
import { pinned } from './taskset.js';

/** A process that failed to start or died: the message, then the last lines it wrote. */
export class ProcessFailedError extends Error {
  constructor(
    message: string,
    readonly lastLines: string[],
  ) {
    super(`${message}\n--- last lines of its output ---\n${lastLines.join('\n')}`);
    this.name = 'ProcessFailedError';
  }
}

export interface ChildOptions {
  command: string;
  args: string[];
  /** What the process is, for messages ("the queue worker"). */
  name: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** CPU list for taskset; null or absent: not pinned. */
  cpus?: string | null;
}

/**
 * The one way the lab starts a process of its own (the target apps, the queue worker, Redis, bare
 * Fastify, Prometheus in the tests): spawned with piped output, its last lines kept for errors,
 * waited for by a line it writes or a URL it serves, stopped with SIGTERM and, after a grace
 * period, SIGKILL.
 */
export class Child {
  readonly child: ChildProcess;
  readonly output: OutputTail;
  readonly name: string;

  constructor(options: ChildOptions) {
    const [command, args] = pinned(options.cpus ?? null, options.command, options.args);
    this.name = options.name;
    this.child = spawn(command, args, {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.env ? { env: options.env } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.output = new OutputTail(this.child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process is gone (it exited, or was killed). */
  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  lastLines(): string[] {
    return this.output.last;
  }

  /** A ProcessFailedError about this process, with its last lines. */
  failure(message: string): ProcessFailedError {
    return new ProcessFailedError(`${this.name} ${message}`, this.output.last);
  }

  /**
   * The first line from now on that `match` makes something of (its result), e.g. the port of a
   * "listening" log line. Fails, and kills the process, when it exits first or after timeoutMs,
   * saying it did not `what` ("start listening").
   */
  waitForLine<T>(
    match: (line: string) => T | undefined,
    what: string,
    timeoutMs: number,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        stopWatching();
        this.child.off('exit', onExit);
      };
      const fail = (message: string) => {
        done();
        this.child.kill('SIGKILL');
        reject(this.failure(message));
      };
      const timer = setTimeout(() => fail(`did not ${what} in ${timeoutMs} ms`), timeoutMs);
      const stopWatching = this.output.onLine((line) => {
        const found = match(line);
        if (found === undefined) return;
        done();
        resolve(found);
      });
      const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
        fail(`exited during start-up (code ${code}, signal ${signal})`);
      this.child.once('exit', onExit);
    });
  }

  /**
   * Polls `ready` (e.g. a GET of a URL it serves) until it says true; fails when the process
   * exits first or after timeoutMs, naming `what` it waited for.
   */
  async waitUntil(
    ready: () => Promise<boolean>,
    what: string,
    timeoutMs: number,
    intervalMs = 50,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await ready().catch(() => false)) return;
      if (this.exited) throw this.failure(`exited before it would ${what}`);
      if (Date.now() > deadline) throw this.failure(`did not ${what} in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /**
   * Sends `signal` (SIGTERM: the process drains and exits), then SIGKILL if it is still there
   * after graceMs (0: no second signal). Resolves with the exit code once it is gone.
   */
  async stop(graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.exited) return this.child.exitCode;
    const exited = once(this.child, 'exit') as Promise<[number | null]>;
    this.child.kill(signal);
    const killer = graceMs > 0 ? setTimeout(() => this.child.kill('SIGKILL'), graceMs) : undefined;
    const [code] = await exited;
    clearTimeout(killer);
    return code;
  }

  /** SIGKILL: a crash, nothing flushed. */
  async kill(): Promise<void> {
    await this.stop(0, 'SIGKILL');
  }
}

/** A GET of `url` answered with a 2xx status (the body is read and dropped). */
export async function answers(url: string): Promise<boolean> {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.ok;
}

/** The port of a JSON log line whose message includes `message` ({"msg": "... listening", "port": N}). */
export function listeningPort(message: string): (line: string) => number | undefined {
  return (line) => {
    if (!line.includes(message)) return undefined;
    try {
      const port = Number((JSON.parse(line) as { port?: unknown }).port);
      return Number.isInteger(port) && port > 0 ? port : undefined;
    } catch {
      return undefined; // not the JSON log line: keep waiting
    }
  };
}

/** What every launcher (target app, queue worker, Redis, bare Fastify) exposes of its process. */
export abstract class Launched {
  protected constructor(protected readonly child: Child) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process is gone (a crash mid-run, or stopped). */
  get exited(): boolean {
    return this.child.exited;
  }

  lastLines(): string[] {
    return this.child.lastLines();
  }
}
