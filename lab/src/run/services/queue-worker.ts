import { join } from 'node:path';
import { answers, Child, Launched, listeningPort } from '../../process/child-process.js';

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
export class QueueWorkerProcess extends Launched {
  private constructor(
    child: Child,
    readonly port: number,
  ) {
    super(child);
  }

  /** Base URL of the worker's own HTTP server: `${url}/metrics` is what to scrape. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(options: QueueWorkerOptions): Promise<QueueWorkerProcess> {
    const child = new Child({
      name: 'the queue worker',
      command: process.execPath,
      args: ['--import', './dist/worker/register-telemetry.js', 'dist/worker/main.js'],
      cpus: options.cpus,
      cwd: join(options.repoRoot, 'target-app'),
      env: {
        PATH: process.env.PATH,
        REDIS_URL: options.redisUrl,
        WORKER_PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ...options.env,
      },
    });
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const port = await child.waitForLine(listeningPort(LISTENING), 'start listening', timeoutMs);
    const worker = new QueueWorkerProcess(child, port);
    await child.waitUntil(() => answers(`${worker.url}/metrics`), 'serve /metrics', timeoutMs);
    return worker;
  }

  /** SIGTERM (the worker drains), SIGKILL if it is still there after the grace period. */
  async stop(graceMs = 15_000): Promise<void> {
    await this.child.stop(graceMs);
  }

  /** SIGKILL: a crash mid-job; its job stays active in Redis until the lock expires. */
  async kill(): Promise<void> {
    await this.child.kill();
  }
}
