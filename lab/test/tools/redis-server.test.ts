// A real redis-server (npm run setup installs it): the config and the missing-tool error are
// checked without one in src/run/services/redis-server.spec.ts.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { redisCommand, redisPing } from '../../src/run/services/redis-command.js';
import { RedisServer } from '../../src/run/services/redis-server.js';

const started: RedisServer[] = [];
async function startRedis(...args: Parameters<typeof RedisServer.start>): Promise<RedisServer> {
  const server = await RedisServer.start(...args);
  started.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.dispose()));
});

describe('RedisServer (a real redis-server)', () => {
  it('starts on a free loopback port with its own config and answers PING', async () => {
    const redis = await startRedis();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await redisPing(redis.port)).toBe('+PONG');
    expect(await readFile(join(redis.dir, 'redis.conf'), 'utf8')).toContain(`port ${redis.port}`);
    expect(existsSync(join(redis.dir, 'data', 'appendonlydir'))).toBe(true);
  });

  it('two servers get two ports and two data folders', async () => {
    const [a, b] = await Promise.all([startRedis(), startRedis()]);
    expect(a?.port).not.toBe(b?.port);
    expect(a?.dir).not.toBe(b?.dir);
  });

  it('keeps an acknowledged write across a SIGKILL and a restart on the same data', async () => {
    const redis = await startRedis();
    expect(await redisCommand(redis.port, ['SET', 'looplab:test', 'kept'])).toEqual(['+OK']);
    await redis.kill();
    await expect(redisPing(redis.port)).rejects.toThrow();
    const again = await redis.restart();
    started.push(again);
    expect(again.port).toBe(redis.port);
    expect(await redisCommand(again.port, ['GET', 'looplab:test'])).toEqual(['$4', 'kept']);
  });

  it('removes the temp folder it created on dispose', async () => {
    const redis = await RedisServer.start();
    await redis.dispose();
    expect(redis.exited).toBe(true);
    expect(existsSync(redis.dir)).toBe(false);
  });
});
