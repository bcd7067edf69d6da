import { join } from 'node:path';
import type { Runtime } from '@looplab/contract';
import {
  answers,
  Child,
  Launched,
  listeningPort,
  ProcessFailedError,
} from '../process/child-process.js';
import { moveMainThread } from '../process/taskset.js';

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

/** The app a run drives: one this runner started, or one already running (compose). */
export interface AppUnderTest {
  readonly url: string;
  readonly exited: boolean;
  lastLines(): string[];
  stop(): Promise<void>;
}

const READY = '/readyz';

/** Polls GET /readyz of an app until it answers 200. */
async function waitUntilReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(`${url}${READY}`).catch(() => false))) {
    if (Date.now() > deadline)
      throw new ProcessFailedError(`the target app at ${url} never became ready`, []);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An app someone else started and stops (the compose stack's): the runner only waits for it. */
export class ExternalApp implements AppUnderTest {
  readonly exited = false;
  private constructor(readonly url: string) {}

  static async connect(url: string, timeoutMs = 30_000): Promise<ExternalApp> {
    const app = new ExternalApp(url.replace(/\/+$/, ''));
    await waitUntilReady(app.url, timeoutMs);
    return app;
  }

  lastLines(): string[] {
    return [];
  }

  async stop(): Promise<void> {}
}

/** The built target app as a child process on an ephemeral loopback port. */
export class TargetAppProcess extends Launched implements AppUnderTest {
  readonly url: string;
  private constructor(
    child: Child,
    readonly port: number,
  ) {
    super(child);
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(options: TargetAppOptions): Promise<TargetAppProcess> {
    const launch = LAUNCH[options.runtime ?? 'node'];
    const [command, args] = launch.command(options.repoRoot);
    const child = new Child({
      name: 'the target app',
      command,
      args,
      cpus: options.cpus,
      cwd: join(options.repoRoot, launch.dir),
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ...options.env,
      },
    });
    const port = await child.waitForLine(
      listeningPort(launch.listening),
      'start listening',
      options.startTimeoutMs ?? 30_000,
    );
    const app = new TargetAppProcess(child, port);
    try {
      await child.waitUntil(
        () => answers(`${app.url}${READY}`),
        'become ready (GET /readyz)',
        15_000,
        100,
      );
      if (options.mainThreadCpus != null && child.pid !== undefined)
        await moveMainThread(child.pid, options.mainThreadCpus);
    } catch (error) {
      await app.stop(2_000);
      throw error;
    }
    return app;
  }

  /** SIGTERM (the app drains its tasks), SIGKILL if it is still there after the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    await this.child.stop(graceMs);
  }
}
