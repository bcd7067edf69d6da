import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Runtime } from '@looplab/contract';
import { moveMainThread, pinned } from './pinning.js';

export interface TargetAppOptions {
  repoRoot: string;
  /** CPU list the whole process starts on (its pool threads and children stay there); null = any. */
  cpus: string | null;
  /**
   * Once the app is ready (every pool worker and child created), move only its main thread, the
   * event loop, to these CPUs: `taskset -p -c`. null/undefined: leave it where it started.
   */
  mainThreadCpus?: string | null;
  env: Record<string, string>;
  /** Which target app (default node). */
  runtime?: Runtime;
  startTimeoutMs?: number;
}

interface Launch {
  /** Folder of the app, from the repository root. */
  dir: string;
  command(repoRoot: string): [string, string[]];
  /** The JSON log line's message once it listens (it carries the port). */
  listening: string;
}

/** How each runtime's built app is started: the same environment contract, its own command. */
const LAUNCH: Record<Runtime, Launch> = {
  node: {
    dir: 'target-app',
    command: () => [process.execPath, ['--import', './dist/telemetry/register.js', 'dist/main.js']],
    listening: 'looplab target app listening',
  },
  fastapi: {
    dir: 'target-fastapi',
    command: (repoRoot) => [
      join(repoRoot, 'target-fastapi', '.venv', 'bin', 'python'),
      ['-m', 'looplab_fastapi'],
    ],
    listening: 'looplab target app (fastapi) listening',
  },
};

export class ProcessFailedError extends Error {
  constructor(
    message: string,
    readonly lastLines: string[],
  ) {
    super(`${message}\n--- last lines of its output ---\n${lastLines.join('\n')}`);
    this.name = 'ProcessFailedError';
  }
}

const KEEP_LINES = 30;

/** The app a run drives: one this runner started, or one already running (compose). */
export interface AppUnderTest {
  readonly url: string;
  readonly exited: boolean;
  lastLines(): string[];
  stop(): Promise<void>;
}

async function waitUntilReady(
  url: string,
  timeoutMs: number,
  lastLines: () => string[],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      throw new ProcessFailedError(`the target app at ${url} never became ready`, lastLines());
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An app someone else started and stops (the compose stack's): the runner only waits for it. */
export class ExternalApp implements AppUnderTest {
  readonly exited = false;
  private constructor(readonly url: string) {}

  static async connect(url: string, timeoutMs = 30_000): Promise<ExternalApp> {
    const app = new ExternalApp(url.replace(/\/+$/, ''));
    await waitUntilReady(app.url, timeoutMs, () => []);
    return app;
  }

  lastLines(): string[] {
    return [];
  }

  async stop(): Promise<void> {}
}

/** The built target app as a child process on an ephemeral loopback port. */
export class TargetAppProcess implements AppUnderTest {
  readonly url: string;
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly tail: string[],
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  lastLines(): string[] {
    return [...this.tail];
  }

  static async start(options: TargetAppOptions): Promise<TargetAppProcess> {
    const launch = LAUNCH[options.runtime ?? 'node'];
    const appDir = join(options.repoRoot, launch.dir);
    const [command, args] = pinned(options.cpus, ...launch.command(options.repoRoot));
    const child = spawn(command, args, {
      cwd: appDir,
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const remember = (line: string) => {
      tail.push(line);
      if (tail.length > KEEP_LINES) tail.shift();
    };
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new ProcessFailedError('the target app did not start listening in time', tail));
      }, options.startTimeoutMs ?? 30_000);
      let partial = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          remember(line);
          if (!line.includes(launch.listening)) continue;
          try {
            const parsed = JSON.parse(line) as { port?: number };
            clearTimeout(timer);
            resolve(Number(parsed.port));
          } catch {
            // not JSON: keep waiting
          }
        }
      });
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) if (line.trim()) remember(line);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new ProcessFailedError(
            `the target app exited during start-up (code ${code}, signal ${signal})`,
            tail,
          ),
        );
      });
    });
    const app = new TargetAppProcess(child, port, tail);
    try {
      await app.waitReady();
      if (options.mainThreadCpus != null && child.pid !== undefined)
        await moveMainThread(child.pid, options.mainThreadCpus);
    } catch (error) {
      await app.stop(2_000);
      throw error;
    }
    return app;
  }

  private waitReady(timeoutMs = 15_000): Promise<void> {
    return waitUntilReady(this.url, timeoutMs, () => this.tail);
  }

  /** Whether the process has died on its own (a crash mid-run). */
  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** SIGTERM (the app drains its tasks), SIGKILL if it is still there after the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(killer);
  }
}
