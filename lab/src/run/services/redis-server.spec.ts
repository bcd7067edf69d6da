import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MissingToolError } from '../../tools/index.js';
import { redisCommand, redisPing } from './redis-command.js';
import { RedisServer, redisConfig } from './redis-server.js';

const started: RedisServer[] = [];
async function startRedis(...args: Parameters<typeof RedisServer.start>): Promise<RedisServer> {
  const server = await RedisServer.start(...args);
  started.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.dispose()));
});

describe('redisConfig', () => {
  it('binds loopback only and persists every write before answering', () => {
    const config = redisConfig(6390, '/tmp/x/data', 'always');
    expect(config).toContain('bind 127.0.0.1\n');
    expect(config).toContain('port 6390\n');
    expect(config).toContain('appendonly yes\n');
    expect(config).toContain('appendfsync always\n');
    expect(config).toContain('dir "/tmp/x/data"\n');
    expect(config).toContain('maxmemory-policy noeviction\n');
  });
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

  it('names the fix when redis-server is not installed', async () => {
    const attempt = RedisServer.start({ env: { PATH: '/nonexistent' } });
    await expect(attempt).rejects.toBeInstanceOf(MissingToolError);
    await expect(attempt).rejects.toThrow(/apt-get install -y redis-server/);
  });
});
