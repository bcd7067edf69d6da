import { APP_DEFAULTS } from '@looplab/contract';
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from './worker-config.js';

describe('loadWorkerConfig', () => {
  it('needs REDIS_URL and says how to provide it', () => {
    expect(() => loadWorkerConfig({})).toThrow(
      /REDIS_URL: required: set REDIS_URL=|REDIS_URL.*redis:\/\//,
    );
  });

  it('takes WORKER_PORT and the rest from the contract defaults', () => {
    const config = loadWorkerConfig({ REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(config.WORKER_PORT).toBe(APP_DEFAULTS.WORKER_PORT);
    expect(config.HOST).toBe(APP_DEFAULTS.HOST);
    expect(config.LOOPLAB_DRAIN_TIMEOUT_MS).toBe(APP_DEFAULTS.LOOPLAB_DRAIN_TIMEOUT_MS);
    expect(config.LOOPLAB_QUEUE_LOCK_MS).toBe(APP_DEFAULTS.LOOPLAB_QUEUE_LOCK_MS);
  });

  it('reports every bad value at once', () => {
    expect(() =>
      loadWorkerConfig({ REDIS_URL: 'http://x', WORKER_PORT: '0x10', LOG_LEVEL: 'loud' }),
    ).toThrow(
      /REDIS_URL="http:\/\/x": must be a redis:\/\/[\s\S]*WORKER_PORT="0x10"[\s\S]*LOG_LEVEL/,
    );
  });
});
