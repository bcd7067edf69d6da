import { describe, expect, it } from 'vitest';
import { toMetricsSample } from '../run/metrics-sampler.js';

describe("a scrape's stall counters", () => {
  const app = [
    '# TYPE looplab_eventloop_stalls_total counter',
    'looplab_eventloop_stalls_total{class="on_cpu"} 7',
    'looplab_eventloop_stalls_total{class="off_cpu"} 0',
    '# TYPE looplab_eventloop_stalled_seconds_total counter',
    'looplab_eventloop_stalled_seconds_total{class="on_cpu"} 1.42',
    'looplab_eventloop_stalled_seconds_total{class="off_cpu"} 0',
    '# TYPE looplab_eventloop_stall_threshold_seconds gauge',
    'looplab_eventloop_stall_threshold_seconds 0.05',
  ].join('\n');

  it('reads stalls and stalled seconds by class, and the threshold', () => {
    expect(toMetricsSample(app, 'blocking', 0).stalls).toEqual({
      count: { on_cpu: 7 },
      seconds: { on_cpu: 1.42 },
      thresholdS: 0.05,
    });
  });

  it("are the app's own: the queue worker's loop is another", () => {
    const worker = 'looplab_eventloop_stalls_total{class="on_cpu"} 100';
    expect(toMetricsSample(app, 'queue', 0, worker).stalls?.count).toEqual({ on_cpu: 7 });
  });

  it('are absent for an app that does not count stalls, not zero', () => {
    const older = 'nodejs_eventloop_delay_window_max_seconds 0.2';
    expect(toMetricsSample(older, 'blocking', 0).stalls).toBeUndefined();
  });
});
