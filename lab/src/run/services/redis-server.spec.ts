import { describe, expect, it } from 'vitest';
import { MissingToolError } from '../../tools/index.js';
import { RedisServer, redisConfig } from './redis-server.js';

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

describe('RedisServer without redis-server', () => {
  it('names the fix when redis-server is not installed', async () => {
    const attempt = RedisServer.start({ env: { PATH: '/nonexistent' } });
    await expect(attempt).rejects.toBeInstanceOf(MissingToolError);
    await expect(attempt).rejects.toThrow(/apt-get install -y redis-server/);
  });
});
