import { join } from 'node:path';
import { Child, Launched, listeningPort } from '../process/child-process.js';

const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;

/** bare-fastify.js (next to this file once built) as a child process. */
export class BareFastifyProcess extends Launched {
  readonly url: string;

  private constructor(child: Child, port: number) {
    super(child);
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(cpus: string | null): Promise<BareFastifyProcess> {
    const child = new Child({
      name: 'bare Fastify',
      command: process.execPath,
      args: [join(__dirname, 'bare-fastify.js')],
      cpus,
      env: { PATH: process.env.PATH },
    });
    // It prints {"port":N} once it listens.
    const port = await child.waitForLine(
      listeningPort('"port"'),
      'start listening',
      START_TIMEOUT_MS,
    );
    return new BareFastifyProcess(child, port);
  }

  async stop(): Promise<void> {
    await this.child.stop(STOP_GRACE_MS);
  }
}
