import { describe, expect, it } from 'vitest';
import { InstrumentOptionError, optionsFromEnv, resolveOptions } from './options.js';

describe('options', () => {
  it('defaults to the contract: attribution on, 50 ms threshold, 20 ms profiler sampling', () => {
    expect(resolveOptions()).toMatchObject({
      attribution: true,
      stallThresholdMs: 50,
      sampleIntervalMs: 20,
    });
  });

  it('reports every out-of-range option at once, naming it and its range', () => {
    expect(() => resolveOptions({ stallThresholdMs: 0, sampleIntervalMs: 1.5 })).toThrow(
      /stallThresholdMs=0: must be an integer from 1 to 60000\n.*sampleIntervalMs=1.5: must be an integer from 1 to 1000/,
    );
  });

  it('reads the environment, and names the variable of a bad value', () => {
    expect(
      optionsFromEnv({
        LOOPLAB_ATTRIBUTION: 'off',
        LOOPLAB_STALL_THRESHOLD_MS: '20',
        LOOPLAB_PROFILE_INTERVAL_MS: '10',
        // The Python watchdog's interval: not the profiler's.
        LOOPLAB_STALL_SAMPLE_INTERVAL_MS: '2',
      }),
    ).toEqual({ attribution: false, stallThresholdMs: 20, sampleIntervalMs: 10 });
    const error = (() => {
      try {
        optionsFromEnv({ LOOPLAB_STALL_THRESHOLD_MS: '60001', LOOPLAB_ATTRIBUTION: 'yes' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InstrumentOptionError);
    expect((error as InstrumentOptionError).problems).toEqual([
      'LOOPLAB_ATTRIBUTION="yes": must be on or off',
      'LOOPLAB_STALL_THRESHOLD_MS="60001": must be a decimal integer from 1 to 60000',
    ]);
  });
});
