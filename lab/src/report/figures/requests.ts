import { isStrategyName, PROBE } from '@looplab/contract';
import type { Strategy, StrategyResult } from '../../model.js';
import { isAccepted, isRejected } from '../../run/trigger-outcome.js';
import type { AppTimeline, ClientView } from '../../sources/measurements.js';
import type { Figures } from './figures.js';
import { phaseIncrease, quantileMs, scrapedDuring } from './timeline.js';

/**
 * The requests of the phase: the probe as the load generator saw it (the ground truth) and as
 * the app's own histogram timed it, the triggers by outcome, and what could not be sent.
 */
export function requestsOf(
  client: ClientView,
  app: AppTimeline,
  strategy: Strategy,
): Figures<'probe' | 'probeServer' | 'trigger' | 'droppedIterations'> {
  const probe = client.latency('probe');
  const trigger = client.latency('trigger');
  // The lab's probe answers its contract status; your own service's probe any 2xx.
  const okProbes = client.answered('probe', (status) =>
    isStrategyName(strategy) ? status === PROBE.status : status >= 200 && status < 300,
  );
  const accepted = client.answered('trigger', (status) => isAccepted(strategy, status));
  const rejected = client.answered('trigger', (status) => isRejected(strategy, status));
  const server = scrapedDuring(app)
    ? phaseIncrease(app, (sample) => sample.pingServerBuckets)
    : undefined;
  const serverP99 = quantileMs(server, 0.99);
  const range = (q: 'p50' | 'p95' | 'p99'): StrategyResult['resolution'] =>
    Number.isFinite(probe[q])
      ? { [`probe.${q}` as const]: { ...probe.ranges[q], kind: probe.rangeKind } }
      : {};
  return {
    probe: {
      count: client.sent.probe,
      throughputRps: client.seconds > 0 ? okProbes / client.seconds : Number.NaN,
      p50: probe.p50,
      p90: probe.p90,
      p95: probe.p95,
      p99: probe.p99,
      max: probe.max,
      errors: Math.max(0, client.sent.probe - okProbes),
    },
    probeServer: { p50Ms: quantileMs(server, 0.5).ms, p99Ms: serverP99.ms },
    trigger: {
      expected: client.expected.trigger,
      sent: client.sent.trigger,
      accepted,
      rejected,
      errors: Math.max(0, client.sent.trigger - accepted - rejected),
      p50: trigger.p50,
      p99: trigger.p99,
    },
    droppedIterations: Math.max(
      0,
      client.expected.probe + client.expected.trigger - client.sent.probe - client.sent.trigger,
    ),
    resolution: {
      ...range('p50'),
      ...range('p95'),
      ...range('p99'),
      ...(serverP99.resolution ? { 'probeServer.p99Ms': serverP99.resolution } : {}),
    },
  };
}
