import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLoopDelayMetrics } from './event-loop-delay.js';

function blockFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sample(text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1]);
}

describe('EventLoopDelayMetrics', () => {
  let metrics: EventLoopDelayMetrics | undefined;
  afterEach(() => metrics?.stop());

  it('keeps a stall that a scrape read before the delay timer fired', async () => {
    const registry = new Registry();
    metrics = new EventLoopDelayMetrics(registry, 5, 10);
    await sleep(30);
    blockFor(120);
    // Read in the same turn as the block: perf_hooks' monitor, reset here, forgot the stall.
    await registry.metrics();
    await sleep(30);
    const text = await registry.metrics();
    expect(sample(text, 'nodejs_eventloop_delay_window_max_seconds')).toBeGreaterThanOrEqual(0.11);
    expect(sample(text, 'nodejs_eventloop_delay_window_max_seconds')).toBeLessThan(1);
    const count = sample(text, 'nodejs_eventloop_delay_seconds_count');
    const belowTenthOfASecond = sample(text, 'nodejs_eventloop_delay_seconds_bucket\\{le="0.1"\\}');
    expect(count - belowTenthOfASecond).toBe(1);
  });

  it('forgets a stall once it is older than the window, and not before', async () => {
    const registry = new Registry();
    metrics = new EventLoopDelayMetrics(registry, 5, 2);
    await sleep(30);
    blockFor(120);
    await sleep(500);
    const within = await registry.metrics();
    expect(sample(within, 'nodejs_eventloop_delay_window_max_seconds')).toBeGreaterThanOrEqual(
      0.11,
    );
    await sleep(2_000);
    const after = await registry.metrics();
    expect(sample(after, 'nodejs_eventloop_delay_window_max_seconds')).toBeLessThan(0.1);
  });

  it('reads an idle loop as about zero', async () => {
    const registry = new Registry();
    metrics = new EventLoopDelayMetrics(registry, 5, 10);
    await sleep(200);
    const text = await registry.metrics();
    expect(sample(text, 'nodejs_eventloop_delay_seconds_count')).toBeGreaterThanOrEqual(10);
    expect(sample(text, 'nodejs_eventloop_delay_window_max_seconds')).toBeLessThan(0.1);
  });
});
