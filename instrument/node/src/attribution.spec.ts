import { afterEach, describe, expect, it } from 'vitest';
import { StallAttribution } from './attribution.js';
import type { StallRecord } from './stall-document.js';

describe('StallAttribution collection', () => {
  let attribution: StallAttribution | undefined;
  afterEach(() => attribution?.stop());

  it('is due when a stall waits for its frames, or when the profile is older than the limit', () => {
    attribution = new StallAttribution(5, 50, 60_000);
    const now = performance.now();
    expect(attribution.due(now)).toBe(false);
    const record: StallRecord = {
      seq: 0,
      startMs: Date.now() - 80,
      endMs: Date.now(),
      durationMs: 80,
      class: 'on_cpu',
      cpuMs: 80,
      samples: 0,
      stacks: [],
    };
    attribution.add(record, { startUs: (now - 80) * 1000, endUs: now * 1000 });
    expect(attribution.due(now)).toBe(true);
    attribution.collect();
    expect(attribution.due()).toBe(false);
    expect(attribution.due(performance.now() + 60_000)).toBe(true);
  });
});
