import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child, Launched } from '../../process/child-process.js';
import { freeLoopbackPort } from '../../process/free-port.js';
import { findTool } from '../../tools/index.js';
import { redisPing } from './redis-command.js';

/** `always`: every write is fsynced before Redis answers it (what "durably enqueued" means here). */
export type AppendFsync = 'always' | 'everysec';

export interface RedisServerOptions {
  /** Loopback port; default a free one. Pass the old port (and dir) to restart on the same data. */
  port?: number;
  /** Folder for redis.conf and the append-only file; default a new temp folder, removed by dispose(). */
  dir?: string;
  appendfsync?: AppendFsync;
  /** CPU list for taskset (the runner keeps Redis off the app's core); null = not pinned. */
  cpus?: string | null;
  startTimeoutMs?: number;
  /** Whose PATH is searched for redis-server (tests pass a bare one to see the missing-tool error). */
  env?: NodeJS.ProcessEnv;
}

const START_ATTEMPTS = 3;

/** The generated config: loopback only, append-only persistence, no RDB snapshots, logs on stdout. */
export function redisConfig(port: number, dataDir: string, appendfsync: AppendFsync): string {
  return [
    'bind 127.0.0.1',
    `port ${port}`,
    'protected-mode yes',
    'daemonize no',
    'logfile ""',
    'loglevel notice',
    'always-show-logo no',
    `dir "${dataDir}"`,
    'appendonly yes',
    `appendfsync ${appendfsync}`,
    'save ""',
    // BullMQ needs every key kept: eviction would silently drop jobs.
    'maxmemory-policy noeviction',
    '',
  ].join('\n');
}

/**
 * A real redis-server (Debian's, found through the lab's tool resolver) as a child process on a
 * loopback port, with its own config and data folder; `url` is what REDIS_URL should be.
 */
export class RedisServer extends Launched {
  private constructor(
    child: Child,
    readonly port: number,
    readonly dir: string,
    private readonly ownsDir: boolean,
    private readonly options: RedisServerOptions,
  ) {
    super(child);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Throws MissingToolError (naming the fix) when redis-server is not installed. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const redis = findTool('redis-server', options.env ? { env: options.env } : {});
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'looplab-redis-')));
    const dataDir = join(dir, 'data');
    await mkdir(dataDir, { recursive: true });
    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (await freeLoopbackPort());
      const configFile = join(dir, 'redis.conf');
      await writeFile(configFile, redisConfig(port, dataDir, options.appendfsync ?? 'always'));
      const child = new Child({
        name: `redis-server on port ${port}`,
        command: redis.path,
        args: [configFile],
        cpus: options.cpus ?? null,
      });
      const server = new RedisServer(child, port, dir, ownsDir, options);
      try {
        await child.waitUntil(
          async () => (await redisPing(port)) === '+PONG',
          'answer PING',
          options.startTimeoutMs ?? 15_000,
          25,
        );
        return server;
      } catch (error) {
        await server.stop();
        const portTaken = child.lastLines().some((line) => line.includes('Address already in use'));
        // Someone took the free port between our check and Redis binding it: pick another.
        if (portTaken && options.port === undefined && attempt < START_ATTEMPTS) continue;
        if (ownsDir) await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }

  /** Same port, same data folder: what a Redis restart after a crash or an upgrade looks like. */
  restart(): Promise<RedisServer> {
    if (!this.exited) throw new Error('stop the Redis server before restarting it');
    return RedisServer.start({ ...this.options, port: this.port, dir: this.dir });
  }

  /** SIGTERM: Redis flushes its append-only file and exits; SIGKILL after the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    await this.child.stop(graceMs);
  }

  /** SIGKILL: a crash, nothing flushed beyond what appendfsync already wrote. */
  async kill(): Promise<void> {
    await this.child.kill();
  }

  /** Stops the server and removes the temp folder it created (a folder passed in is kept). */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.ownsDir) await rm(this.dir, { recursive: true, force: true });
  }
}
