import { describe, expect, it } from 'vitest';
import { windowMax } from './window-max.js';

describe('windowMax', () => {
  const phase = { from: 100, to: 112 };
  const reading = (t: number, maxMs: number, windowS = 2) => ({ t, maxMs, windowS });

  it('takes the max of the readings whose window lies inside the span, exactly', () => {
    const readings = [reading(101, 400), reading(102, 15), reading(106, 9), reading(112, 4)];
    expect(windowMax(phase, readings, 20)).toEqual({ ms: 15, exact: true });
  });

  it('never counts a reading whose window reaches back before the span as more than the span’s own histogram', () => {
    // A 5 s phase, a 10 s window: every reading still remembers the previous strategy's 205 ms.
    const short = { from: 100, to: 105 };
    const readings = [reading(101, 205.5, 10), reading(103, 205.5, 10), reading(105, 205.5, 10)];
    expect(windowMax(short, readings, 15)).toEqual({ ms: 15, exact: false });
    // A smaller gauge reading is the tighter bound.
    expect(windowMax(short, [reading(105, 12, 10)], 15)).toEqual({ ms: 12, exact: false });
  });

  it('says it cannot tell (NaN) without a histogram bound or without readings', () => {
    expect(windowMax({ from: 0, to: 1 }, [reading(1, 300)], Number.NaN).ms).toBeNaN();
    expect(windowMax(phase, [], 20).ms).toBeNaN();
  });

  it('treats readings of old runs (no window recorded) as instant', () => {
    expect(windowMax({ from: 0, to: 1 }, [reading(0.9, 3, 0)], Number.NaN)).toEqual({
      ms: 3,
      exact: true,
    });
  });
});
