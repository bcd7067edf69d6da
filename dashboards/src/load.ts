/**
 * The load generator's own view (vegeta driven by `looplab compare`, job "loadgen"): is the
 * load what was asked for, and did requests fail or get dropped? Numbers here decide whether
 * the latency on the other dashboards can be trusted.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { statPanel, thresholds, timeSeriesPanel } from './panels.js';
import {
  CLIENT_ACHIEVED_RATE,
  CLIENT_DROPPED_CUMULATIVE,
  CLIENT_FAILURE_RATE,
  CLIENT_FAILURE_RATIO,
  CLIENT_IN_FLIGHT,
  CLIENT_RATE_BY_STATUS,
  CLIENT_TARGET_RATE,
  clientLatencyQuantile,
  QUANTILES,
  quantileLabel,
  RANGE_DROPPED,
  RANGE_FAILURES,
  RANGE_REQUESTS,
  RUN_PHASES,
  rangeProbeQuantile,
} from './queries.js';
import {
  datasourceVariable,
  finalize,
  looplabDashboard,
  runPhaseAnnotations,
  strategyVariable,
  targetVariable,
  testidVariable,
} from './scaffold.js';
import { ACCEPTED, ANSWERED_AFTER, OFF_LOOP, ON_LOOP, SLICED } from './strategy-groups.js';

export const LOAD_UID = 'looplab-load';

const OPEN_MODEL =
  'The load is an open model: requests are sent at a constant arrival rate whatever the answers, so a slow app makes requests pile up in flight instead of slowing the load down (no coordinated omission).';

export function load(): dashboard.Dashboard {
  const builder = looplabDashboard({
    uid: LOAD_UID,
    title: 'looplab · Load generator',
    description:
      'The load generator (vegeta driven by looplab compare): attempted vs achieved rate, requests in flight, outcomes, drops and client-side latency per strategy and role.',
  })
    .withVariable(datasourceVariable())
    .withVariable(targetVariable())
    .withVariable(testidVariable())
    .withVariable(strategyVariable());
  for (const annotation of runPhaseAnnotations()) builder.annotation(annotation);

  builder
    .withRow(new RowBuilder('Over the time range'))
    .withPanel(
      statPanel({
        title: 'Requests answered',
        description:
          'Requests that got an answer or a transport error (increase of looplab_client_requests_total over the time range, all strategies and roles of the selected runs). Expect about (probe rate + trigger rate) x run time; far less means the load generator could not keep up.',
        unit: 'short',
        width: 6,
        queries: [{ expr: RANGE_REQUESTS, legend: 'requests', instant: true }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Failures (transport errors and 5xx)',
        description:
          'Requests answered 5xx or not at all (status "0": timeout, connection refused or reset) over the time range. Healthy: 0. A blocked app shows timeouts once a stall exceeds the client timeout; 503s mean a strategy\'s queue was full.',
        unit: 'short',
        width: 6,
        thresholds: thresholds(1, 10),
        queries: [{ expr: RANGE_FAILURES, legend: 'failures', instant: true }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Dropped requests',
        description:
          'Requests the schedule called for but the load generator never sent (looplab_client_dropped_requests_total, added when each phase ends). Healthy: 0. Non-zero: the load generator itself was short of CPU or connections, and latency numbers understate the truth.',
        unit: 'short',
        width: 6,
        thresholds: thresholds(1, 10),
        queries: [{ expr: RANGE_DROPPED, legend: 'dropped', instant: true }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Probe p50 / p95 / p99 over the range',
        description:
          'Client-side /ping latency over the whole time range, all selected strategies together (warm-up included); per-strategy numbers over the measure phase only are on the Strategy comparison dashboard. Healthy: p99 in single-digit ms. Blocked: p99 near the job length.',
        unit: 's',
        width: 6,
        thresholds: thresholds(0.05, 0.25),
        queries: QUANTILES.map((q) => ({
          expr: rangeProbeQuantile(q),
          legend: quantileLabel(q),
          instant: true,
        })),
      }),
    );

  builder
    .withRow(new RowBuilder('Arrival rate and concurrency'))
    .withPanel(
      timeSeriesPanel({
        title: 'Target vs achieved request rate',
        description: `target: requests per second the load generator attempts (looplab_client_target_rate, set at each phase start, 0 after). achieved: answers per second (rate of looplab_client_requests_total). ${OPEN_MODEL} Healthy: achieved follows target. Blocked app: achieved dips during stalls and catches up after, in bursts, while target stays flat.`,
        unit: 'reqps',
        min: 0,
        queries: [
          { expr: CLIENT_TARGET_RATE, legend: '{{strategy}} {{role}} target' },
          { expr: CLIENT_ACHIEVED_RATE, legend: '{{strategy}} {{role}} achieved' },
        ],
        overrides: [
          {
            regex: '.* target$',
            properties: [
              { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
              { id: 'custom.fillOpacity', value: 0 },
            ],
          },
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Requests in flight (open-model VU equivalent)',
        description: `Requests sent and not yet answered (looplab_client_in_flight, updated every second). ${OPEN_MODEL} By Little's law in flight = rate x latency: at 50 req/s and 2 ms that is 0.1. Healthy: near 0. Blocked: jumps to about rate x stall length (50 req/s x 0.2 s = 10) at every stall.`,
        unit: 'short',
        min: 0,
        queries: [{ expr: CLIENT_IN_FLIGHT, legend: '{{strategy}} {{role}}' }],
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Run phases',
        description:
          'Which strategy and phase the runner is in (looplab_run_phase = 1 while it runs). Strategies run one after another, each with a warm-up (not measured) and a measure phase. The same phases are shaded on every panel as annotations.',
        unit: 'short',
        min: 0,
        max: 1,
        height: 5,
        steps: true,
        queries: [{ expr: RUN_PHASES, legend: '{{strategy}} {{phase}}' }],
      }),
    );

  builder
    .withRow(new RowBuilder('Outcomes'))
    .withPanel(
      timeSeriesPanel({
        title: 'Request rate by strategy, role and status',
        description: `Answers per second by HTTP status (looplab_client_requests_total). probe: 200 from /ping. trigger: 202 (${ACCEPTED}: accepted for background work) or 200 (${ANSWERED_AFTER}: answered once the work or the awaited I/O was done). Healthy: only 200/202. 503: a strategy's queue limit was hit, or Redis is away for queue; "0": transport error or timeout.`,
        unit: 'reqps',
        min: 0,
        width: 12,
        queries: [{ expr: CLIENT_RATE_BY_STATUS, legend: '{{strategy}} {{role}} {{status}}' }],
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Failures: transport errors and 5xx',
        description:
          'Failed requests per second (status "0" = transport error or client timeout, or 5xx), by strategy, role and status. Healthy: no series at all. A blocked loop longer than the client timeout shows "0" on the probe; 503 on the trigger means the queue was full.',
        unit: 'reqps',
        min: 0,
        width: 12,
        bars: true,
        queries: [{ expr: CLIENT_FAILURE_RATE, legend: '{{strategy}} {{role}} {{status}}' }],
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Failure ratio',
        description:
          'Share of answers that failed (status 0 or 5xx) by strategy and role. Healthy: 0 %. Any sustained value invalidates the latency comparison for that strategy: failed requests are not in the latency histogram.',
        unit: 'percentunit',
        min: 0,
        width: 12,
        height: 7,
        queries: [{ expr: CLIENT_FAILURE_RATIO, legend: '{{strategy}} {{role}}' }],
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Dropped requests (cumulative)',
        description:
          "Requests the schedule called for but never sent, cumulative per strategy and role (looplab_client_dropped_requests_total; the runner adds a phase's drops when the phase ends, so the line steps up at phase ends). Healthy: no series or a flat 0. Rising: the load generator fell behind; pin it to its own core or lower the rate.",
        unit: 'short',
        min: 0,
        width: 12,
        height: 7,
        steps: true,
        queries: [{ expr: CLIENT_DROPPED_CUMULATIVE, legend: '{{strategy}} {{role}}' }],
      }),
    );

  builder
    .withRow(new RowBuilder('Client-side latency'))
    .withPanel(
      timeSeriesPanel({
        title: 'Probe latency p50 / p95 / p99 by strategy (client side)',
        description: `GET /ping latency as the load generator saw it (looplab_client_request_duration_seconds{role="probe"}), the cost a strategy imposes on other requests. Healthy (async and ${OFF_LOOP}): p99 within a few ms; ${SLICED}: about one slice. Blocked (${ON_LOOP}): p95/p99 near the job length.`,
        unit: 's',
        min: 0,
        width: 12,
        queries: QUANTILES.map((q) => ({
          expr: clientLatencyQuantile(q, 'probe'),
          legend: `{{strategy}} probe ${quantileLabel(q)}`,
        })),
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Trigger latency p50 / p95 / p99 by strategy (client side)',
        description: `Latency of the trigger requests themselves (role="trigger"). ${ANSWERED_AFTER}: the awaited I/O or the work itself (about the job size, by design). ${ACCEPTED}: the time to answer 202, which should be ms (queue: plus the Redis enqueue); a trigger of a strategy that runs on the loop also waits behind earlier jobs. Healthy: 202 triggers fast. Blocked: blocking triggers slow too.`,
        unit: 's',
        min: 0,
        width: 12,
        queries: QUANTILES.map((q) => ({
          expr: clientLatencyQuantile(q, 'trigger'),
          legend: `{{strategy}} trigger ${quantileLabel(q)}`,
        })),
      }),
    );

  return finalize(builder.build());
}
