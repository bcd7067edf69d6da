import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../model.js';
import { perSecond } from './series.js';

const probe = (t: number, latencyMs: number): RequestRecord => ({
  role: 'probe',
  t,
  latencyMs,
  status: 200,
});

const records: RequestRecord[] = [
  probe(0, 1),
  probe(500, 3),
  probe(999.9, 2),
  { role: 'trigger', t: 100, latencyMs: 999, status: 202 },
  probe(1000, 10), // window boundaries are [i, i+1): 1000 ms belongs to the second window
  probe(1500, 20),
  probe(1999, 5),
];

describe('perSecond', () => {
  it('buckets one role by send time into 1 s windows [i, i+1)', () => {
    const s = perSecond(records, 'probe', 3);
    expect(s).toHaveLength(3);
    // Window 0: sorted [1, 2, 3] → p50 2, p95 2 + 0.9·1 (h = 1.9), p99 2 + 0.98 (h = 1.98)
    expect(s[0]).toEqual({ t: 1, count: 3, p50: 2, p95: 2.9, p99: expect.any(Number), max: 3 });
    expect(s[0]?.p99).toBeCloseTo(2.98, 12);
    // Window 1: sorted [5, 10, 20] → p50 10, p95 10 + 0.9·10 = 19, p99 10 + 0.98·10 = 19.8
    expect(s[1]?.count).toBe(3);
    expect(s[1]?.p50).toBe(10);
    expect(s[1]?.p95).toBeCloseTo(19, 12);
    expect(s[1]?.p99).toBeCloseTo(19.8, 12);
    expect(s[1]?.max).toBe(20);
    // Window 2: nothing sent → count 0 and nulls.
    expect(s[2]).toEqual({ t: 3, count: 0, p50: null, p95: null, p99: null, max: null });
    // The trigger role is counted separately.
    expect(perSecond(records, 'trigger', 3).map((w) => w.count)).toEqual([1, 0, 0]);
  });

  it('counts records sent at/after the end in the last window and leaves out warm-up (t < 0)', () => {
    const s = perSecond(
      [...records, probe(2000.4, 40), probe(-2, 400), probe(Number.NaN, 500), probe(100, 4)],
      'probe',
      2,
    );
    expect(s.map((w) => w.count)).toEqual([4, 4]);
    expect(s[0]?.max).toBe(4);
    expect(s[1]?.max).toBe(40);
    // Window 0 sorted [1, 2, 3, 4]: p50 = 2.5, p95 = 3 + 0.85 (h = 2.85)
    expect(s[0]?.p50).toBe(2.5);
    expect(s[0]?.p95).toBeCloseTo(3.85, 12);
  });

  it('covers a fractional duration with ⌈durationS⌉ windows', () => {
    expect(perSecond([], 'probe', 2.5).map((w) => w.t)).toEqual([1, 2, 3]);
  });
});
