import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './app-config.js';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected loadConfig to reject ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('applies defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.LOOPLAB_POOL_SIZE).toBeGreaterThanOrEqual(1);
    expect(config.LOOPLAB_POOL_SIZE).toBe(Math.max(1, availableParallelism() - 1));
    expect(config.LOOPLAB_INSTRUMENTATION).toBe('on');
    expect(config.LOOPLAB_FAULT_INJECTION).toBe('off');
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(config.OTEL_SERVICE_NAME).toBe('looplab-target-app');
  });

  it('parses environment strings into typed values', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      LOG_LEVEL: 'debug',
      LOOPLAB_POOL_SIZE: '3',
      LOOPLAB_POOL_QUEUE_LIMIT: '10',
      LOOPLAB_DRAIN_TIMEOUT_MS: '0',
      LOOPLAB_INSTRUMENTATION: 'off',
      LOOPLAB_FAULT_INJECTION: 'on',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'debug',
      LOOPLAB_POOL_SIZE: 3,
      LOOPLAB_POOL_QUEUE_LIMIT: 10,
      LOOPLAB_DRAIN_TIMEOUT_MS: 0,
      LOOPLAB_INSTRUMENTATION: 'off',
      LOOPLAB_FAULT_INJECTION: 'on',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
    });
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({
      PORT: '',
      HOST: '',
      LOOPLAB_POOL_SIZE: '',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
    });
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.LOOPLAB_POOL_SIZE).toBe(loadConfig({}).LOOPLAB_POOL_SIZE);
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
  });

  it('ignores variables it does not own, including invalid-looking ones', () => {
    const config = loadConfig({ PATH: '/usr/bin', NODE_ENV: 'production', PORTX: 'abc' });
    expect(config).toEqual(loadConfig({}));
    expect(config).not.toHaveProperty('PATH');
  });

  it('lists every bad variable, not just the first', () => {
    const error = configError({ PORT: 'abc', LOOPLAB_POOL_SIZE: '0', HOST: 'localhost' });
    expect(error.name).toBe('ConfigError');
    expect(error.problems).toHaveLength(2);
    expect(error.message).toContain('PORT="abc"');
    expect(error.message).toContain('LOOPLAB_POOL_SIZE="0"');
    expect(error.message).not.toContain('HOST');
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['PORT', '  '],
    ['PORT', '0x1F90'],
    ['LOG_LEVEL', 'verbose'],
    ['LOOPLAB_POOL_SIZE', '257'],
    ['LOOPLAB_TASK_HISTORY', '9'],
    ['LOOPLAB_INSTRUMENTATION', 'yes'],
    ['LOOPLAB_ATTRIBUTION', 'maybe'],
    ['LOOPLAB_STALL_THRESHOLD_MS', '0'],
    ['LOOPLAB_STALL_THRESHOLD_MS', '60001'],
    ['LOOPLAB_PROFILE_INTERVAL_MS', '1001'],
    ['LOOPLAB_PROFILE_INTERVAL_MS', '0'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'not a url'],
  ])('rejects %s=%s, naming the variable and its value', (key, value) => {
    const error = configError({ [key]: value });
    expect(error.problems).toHaveLength(1);
    const prefix = `${key}=${JSON.stringify(value)}: `;
    expect(error.problems[0]?.slice(0, prefix.length)).toBe(prefix);
  });
});

describe('stall attribution settings', () => {
  it('default to the contract and say the range of a number out of it', () => {
    expect(loadConfig({})).toMatchObject({
      LOOPLAB_ATTRIBUTION: 'on',
      LOOPLAB_STALL_THRESHOLD_MS: 50,
      LOOPLAB_PROFILE_INTERVAL_MS: 20,
    });
    expect(() => loadConfig({ LOOPLAB_STALL_THRESHOLD_MS: '0' })).toThrow(
      'LOOPLAB_STALL_THRESHOLD_MS="0": must be from 1 to 60000',
    );
  });
});
