import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { pinned } from '../pinning.js';
import { ProcessFailedError } from '../target-app-process.js';
import { OutputTail } from './output-tail.js';

export interface QueueWorkerOptions {
  repoRoot: string;
  redisUrl: string;
  /** CPU list for taskset: off the app's core, like the pool threads; null = not pinned. */
  cpus: string | null;
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

/** The line the worker logs once its /metrics listens (target-app/src/worker/main.ts). */
const LISTENING = 'looplab queue worker listening';

/**
 * The queue strategy's worker (target-app's `npm run worker`, built) as a child process, its
 * /metrics on an ephemeral loopback port. stop() sends SIGTERM: the worker finishes its
 * running job and leaves waiting ones in Redis.
 */
export class QueueWorkerProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly tail: OutputTail,
    readonly port: number,
  ) {}

  /** Base URL of the worker's own HTTP server: `${url}/metrics` is what to scrape. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  lastLines(): string[] {
    return this.tail.last;
  }

  static async start(options: QueueWorkerOptions): Promise<QueueWorkerProcess> {
    const [command, args] = pinned(options.cpus, process.execPath, [
      '--import',
      './dist/worker/register-telemetry.js',
      'dist/worker/main.js',
    ]);
    const child = spawn(command, args, {
      cwd: join(options.repoRoot, 'target-app'),
      env: {
        PATH: process.env.PATH,
        REDIS_URL: options.redisUrl,
        WORKER_PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail = new OutputTail(child);
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const port = await new Promise<number>((resolve, reject) => {
      const fail = (message: string) => {
        clearTimeout(timer);
        stopWatching();
        child.kill('SIGKILL');
        reject(new ProcessFailedError(message, tail.last));
      };
      const timer = setTimeout(
        () => fail(`the queue worker did not start listening in ${timeoutMs} ms`),
        timeoutMs,
      );
      const stopWatching = tail.onLine((line) => {
        if (!line.includes(LISTENING)) return;
        try {
          const port = Number((JSON.parse(line) as { port?: number }).port);
          clearTimeout(timer);
          stopWatching();
          child.off('exit', onExit);
          resolve(port);
        } catch {
          // not the JSON log line: keep waiting
        }
      });
      const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
        fail(`the queue worker exited during start-up (code ${code}, signal ${signal})`);
      child.once('exit', onExit);
    });
    const worker = new QueueWorkerProcess(child, tail, port);
    await worker.waitForMetrics(timeoutMs);
    return worker;
  }

  /** SIGTERM (the worker drains), SIGKILL if it is still there after the grace period. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.exited) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(killer);
  }

  /** SIGKILL: a crash mid-job; its job stays active in Redis until the lock expires. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }

  private async waitForMetrics(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const response = await fetch(`${this.url}/metrics`);
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // not yet
      }
      if (this.exited || Date.now() > deadline) {
        throw new ProcessFailedError(
          `the queue worker's /metrics at ${this.url} never answered`,
          this.tail.last,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
