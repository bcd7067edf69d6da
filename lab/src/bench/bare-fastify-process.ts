import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { pinned } from '../run/pinning.js';
import { ProcessFailedError } from '../run/target-app-process.js';

const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;

/** bare-fastify.js (next to this file once built) as a child process. */
export class BareFastifyProcess {
  readonly url: string;

  private constructor(
    private readonly child: ChildProcess,
    port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  static async start(cpus: string | null): Promise<BareFastifyProcess> {
    const [command, args] = pinned(cpus, process.execPath, [join(__dirname, 'bare-fastify.js')]);
    const child = spawn(command, args, {
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new ProcessFailedError('bare Fastify did not start listening in time', output));
      }, START_TIMEOUT_MS);
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk.trim()));
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        output.push(chunk.trim());
        const match = /"port":(\d+)/.exec(chunk);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new ProcessFailedError(`bare Fastify exited (code ${code}, signal ${signal})`, output),
        );
      });
    });
    return new BareFastifyProcess(child, port);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(killer);
  }
}
