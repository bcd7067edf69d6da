import { describe, expect, it } from 'vitest';
import { isAccepted, triggerOutcome } from './trigger-outcome.js';

describe('triggerOutcome', () => {
  it('accepts the strategy’s own success status from the contract, 503 is a rejection', () => {
    expect(isAccepted('async', 200)).toBe(true);
    expect(isAccepted('inline', 200)).toBe(true);
    expect(isAccepted('pooled', 202)).toBe(true);
    expect(triggerOutcome('pooled', 202)).toBe('accepted');
    expect(triggerOutcome('pooled', 200)).toBe('error');
    expect(triggerOutcome('async', 200)).toBe('accepted');
    expect(triggerOutcome('queue', 503)).toBe('rejected');
    expect(triggerOutcome('queue', 500)).toBe('error');
    expect(triggerOutcome('blocking', 0)).toBe('error');
  });

  it('accepts any 2xx of a variant of your own service; 429 and 503 are rejections', () => {
    expect(triggerOutcome('orders', 201)).toBe('accepted');
    expect(triggerOutcome('orders', 204)).toBe('accepted');
    expect(triggerOutcome('orders', 429)).toBe('rejected');
    expect(triggerOutcome('orders', 503)).toBe('rejected');
    expect(triggerOutcome('orders', 500)).toBe('error');
    expect(triggerOutcome('orders', 302)).toBe('error');
    expect(triggerOutcome('pooled', 429)).toBe('error');
  });
});
