/**
 * FIXTURE: a synthetic app scraped every second from t = 90 to 120 (nothing measured). Its
 * loop stalls twice a second on CPU, 200 ms each, and once every 2 s off CPU, 100 ms.
 */
import { describe, expect, it } from 'vitest';
import { NO_STALL_LIST, stallsOf } from '../../report/figures/stalls.js';
import type { ClientView } from '../measurements.js';
import { appTimeline } from './app-timeline.js';
import type { MeasurePhase } from './phases.js';
import { type Series, SeriesSet } from './series.js';

const SCRAPES = Array.from({ length: 31 }, (_, i) => 90 + i);

const app = (name: string, labels: Record<string, string>, value: (t: number) => number) =>
  ({
    labels: { __name__: name, instance: 'app:3000', job: 'node', ...labels },
    t: [...SCRAPES],
    v: SCRAPES.map(value),
  }) satisfies Series;

const APP = new SeriesSet([
  app('looplab_eventloop_stalls_total', { class: 'on_cpu' }, (t) => 2 * (t - 90)),
  app('looplab_eventloop_stalls_total', { class: 'off_cpu' }, (t) => 0.5 * (t - 90)),
  app('looplab_eventloop_stalled_seconds_total', { class: 'on_cpu' }, (t) => 0.4 * (t - 90)),
  app('looplab_eventloop_stalled_seconds_total', { class: 'off_cpu' }, (t) => 0.05 * (t - 90)),
  app('looplab_eventloop_stall_threshold_seconds', {}, () => 0.05),
]);

const PHASE: MeasurePhase = {
  phase: 'measure',
  strategy: 'blocking',
  first: 101,
  last: 110,
  start: 100.5,
  end: 110.5,
  warmup: undefined,
};

describe('stalls from Prometheus', () => {
  it('are counted from the same counters, by class, and have no frames', () => {
    const stalls = stallsOf(appTimeline(APP, PHASE, 10), { seconds: 10 } as ClientView, undefined);
    // 10 s of the phase: 20 on-CPU stalls (4 s), 5 off-CPU ones (0.5 s).
    expect(stalls).toMatchObject({
      count: 25,
      thresholdMs: 50,
      byClass: { on_cpu: { count: 20 }, off_cpu: { count: 5 } },
      top: [],
      stacks: [],
    });
    expect(stalls?.stalledMs).toBeCloseTo(4500, 6);
    expect(stalls?.attribution).toMatchObject({ state: 'unavailable', note: NO_STALL_LIST });
  });
});
