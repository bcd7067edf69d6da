import { describe, expect, it } from 'vitest';
import { acceptedStatus, triggerOutcome } from './trigger-outcome.js';

describe('triggerOutcome', () => {
  it('accepts the strategy’s own success status from the contract, 503 is a rejection', () => {
    expect(acceptedStatus('async')).toBe(200);
    expect(acceptedStatus('inline')).toBe(200);
    expect(acceptedStatus('pooled')).toBe(202);
    expect(triggerOutcome('pooled', 202)).toBe('accepted');
    expect(triggerOutcome('pooled', 200)).toBe('error');
    expect(triggerOutcome('async', 200)).toBe('accepted');
    expect(triggerOutcome('queue', 503)).toBe('rejected');
    expect(triggerOutcome('queue', 500)).toBe('error');
    expect(triggerOutcome('blocking', 0)).toBe('error');
  });
});
