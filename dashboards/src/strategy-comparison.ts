/**
 * Strategies side by side, for one run or two (testid and testid_b), over each strategy's
 * measure phase only: the numbers a report would quote.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  barGaugePanel,
  DATASOURCE,
  type QuerySpec,
  statPanel,
  tablePanel,
  thresholds,
  timeSeriesPanel,
} from './panels.js';
import {
  EVENT_LOOP_WINDOW_S,
  MEASURE_MAX_EVENT_LOOP_DELAY,
  MEASURE_PROBE_FAILURES,
  MEASURE_PROBE_REQUESTS,
  MEASURE_STALLS_OVER_50MS,
  MEASURE_TASKS_DONE,
  MEASURE_TRIGGERS_OK,
  measureProbeQuantile,
  measureProbeQuantileRatioToAsync,
  PAIR_RUNS,
  pairProbeQuantileOverTime,
  QUANTILES,
  quantileLabel,
  VARIABLE_TESTID,
} from './queries.js';
import {
  datasourceVariable,
  finalize,
  instanceVariable,
  looplabDashboard,
  runPhaseAnnotations,
  targetVariable,
} from './scaffold.js';
import { OFF_LOOP, ON_LOOP, SLICED } from './strategy-groups.js';

export const COMPARISON_UID = 'looplab-comparison';

/** Subqueries step by $__interval: let it go down to 1 s so phase edges are sharp. */
const MIN_INTERVAL = '1s';
const LEGEND = '{{testid}} · {{strategy}}';

const MEASURE_NOTE =
  'Measure phase only: the counters are kept while the strategy\'s looplab_run_phase{phase="measure"} series is present and max - min over the time range is taken (no warm-up, no extrapolation), so set the time range to cover the run(s). Edges are exact to about one scrape interval.';

const measured = (expr: string, legend = LEGEND): QuerySpec => ({
  expr,
  legend,
  instant: true,
  minInterval: MIN_INTERVAL,
});

function singleTestidVariable(name: string, label: string): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query(VARIABLE_TESTID)
    .definition(VARIABLE_TESTID)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalDesc)
    .multi(false)
    .includeAll(false);
}

export function strategyComparison(): dashboard.Dashboard {
  const builder = looplabDashboard({
    uid: COMPARISON_UID,
    title: 'looplab · Strategy comparison',
    description:
      'Strategies side by side for one or two looplab compare runs: client-side probe percentiles over each measure phase, ratios to async, event-loop stalls and work done.',
  })
    .withVariable(datasourceVariable())
    .withVariable(targetVariable())
    .withVariable(
      singleTestidVariable('testid', 'Test id').description(
        'The run to compare (looplab compare --testid, default the run id).',
      ),
    )
    .withVariable(
      singleTestidVariable('testid_b', 'Second test id (optional)')
        .description('A second run shown next to the first; "none" for just one.')
        .staticOptions([{ text: 'none', value: 'none' }])
        .staticOptionsOrder('before')
        .current({ selected: true, text: 'none', value: 'none' }),
    )
    .withVariable(instanceVariable());
  for (const annotation of runPhaseAnnotations(PAIR_RUNS)) builder.annotation(annotation);

  builder.withRow(new dashboard.RowBuilder('Side by side (measure phase only)')).withPanel(
    tablePanel({
      title: 'Strategies side by side',
      description: `One row per run and strategy. p50/p95/p99: client-side /ping latency (the cost to other requests); ÷ async: p99 over the async p99 of the same run (1.0× = no cost). Max event-loop delay and stalls come from the app, attributed to the strategy by time (its measure phase; the max skips the first ${EVENT_LOOP_WINDOW_S} s, see the bar gauge). Healthy: ${OFF_LOOP} close to async (about 1×), no stalls, tasks done ≈ triggers OK; ${SLICED}: max delay about one slice. Blocked: ${ON_LOOP}: p99 and max delay near the job length, ratios of 10× and more, one stall per job. ${MEASURE_NOTE}`,
      unit: 's',
      height: 8,
      labels: ['testid', 'strategy'],
      columns: [
        ...QUANTILES.map((q) => ({
          name: `probe ${quantileLabel(q)}`,
          unit: 's',
          query: measured(measureProbeQuantile(q)),
        })),
        {
          name: 'p99 ÷ async',
          unit: 'suffix:×',
          decimals: 2,
          query: measured(measureProbeQuantileRatioToAsync(0.99)),
        },
        {
          name: 'max event-loop delay',
          unit: 's',
          query: measured(MEASURE_MAX_EVENT_LOOP_DELAY),
        },
        {
          name: 'stalls > 50 ms',
          unit: 'short',
          decimals: 0,
          query: measured(MEASURE_STALLS_OVER_50MS),
        },
        {
          name: 'probe requests',
          unit: 'short',
          decimals: 0,
          query: measured(MEASURE_PROBE_REQUESTS),
        },
        {
          name: 'probe failures',
          unit: 'short',
          decimals: 0,
          query: measured(MEASURE_PROBE_FAILURES),
        },
        { name: 'triggers OK', unit: 'short', decimals: 0, query: measured(MEASURE_TRIGGERS_OK) },
        { name: 'tasks done', unit: 'short', decimals: 0, query: measured(MEASURE_TASKS_DONE) },
      ],
    }),
  );

  builder.withRow(new dashboard.RowBuilder('Probe latency, client side (measure phase)'));
  for (const q of QUANTILES) {
    builder.withPanel(
      statPanel({
        title: `Probe ${quantileLabel(q)} by strategy`,
        description: `Client-side /ping ${quantileLabel(q)} over each strategy's measure phase (looplab_client_request_duration_seconds{role="probe"}). Healthy: a few ms (green); orange from 50 ms, red from 250 ms. Blocked: near the background job length. ${MEASURE_NOTE}`,
        unit: 's',
        width: 8,
        height: 6,
        thresholds: thresholds(0.05, 0.25),
        queries: [measured(measureProbeQuantile(q))],
      }),
    );
  }
  builder
    .withPanel(
      barGaugePanel({
        title: 'Probe latency ratio to async',
        description:
          'Each strategy\'s measure-phase probe percentile divided by the async strategy\'s of the same run (histogram_quantile(...) / on(testid) group_left() histogram_quantile(... strategy="async")): how many times worse other requests fare. Healthy: about 1× (green up to 1.5×, the default budget). Blocked: 10× to 100×. Empty when the run has no async strategy.',
        unit: 'suffix:×',
        decimals: 2,
        width: 12,
        thresholds: thresholds(1.5, 3),
        queries: QUANTILES.map((q) =>
          measured(measureProbeQuantileRatioToAsync(q), `${LEGEND} ${quantileLabel(q)}`),
        ),
      }),
    )
    .withPanel(
      barGaugePanel({
        title: 'Probe p95 and p99 by strategy',
        description: `Client-side /ping p95 and p99 over each measure phase, as bars on one scale. Healthy: short bars of a few ms. Blocked: bars near the job length. ${MEASURE_NOTE}`,
        unit: 's',
        width: 12,
        thresholds: thresholds(0.05, 0.25),
        queries: [0.95 as const, 0.99 as const].map((q) =>
          measured(measureProbeQuantile(q), `${LEGEND} ${quantileLabel(q)}`),
        ),
      }),
    );

  builder
    .withRow(new dashboard.RowBuilder('Event loop and work done (measure phase)'))
    .withPanel(
      barGaugePanel({
        title: 'Max event-loop delay by strategy',
        description: `Largest event-loop delay during each strategy's measure phase. The app's series have no strategy label, so the exact max gauge (nodejs_eventloop_delay_window_max_seconds) is attributed by time: multiplied by the run's looplab_run_phase{phase="measure"} (max(...) * on() group_right() phase), skipping the first ${EVENT_LOOP_WINDOW_S} s of each phase because the gauge remembers a stall that long (LOOPLAB_EVENT_LOOP_WINDOW_S) and the previous strategy's must not count. Healthy: a few ms. Blocked: about one job length.`,
        unit: 's',
        width: 8,
        thresholds: thresholds(0.05, 0.25),
        queries: [measured(MEASURE_MAX_EVENT_LOOP_DELAY)],
      }),
    )
    .withPanel(
      barGaugePanel({
        title: 'Event-loop stalls > 50 ms by strategy',
        description: `Event-loop delay samples above 50 ms during each measure phase (app histogram count minus the le="0.05" bucket, attributed by time like the max). Healthy: 0. Blocked: about one per background job. ${MEASURE_NOTE}`,
        unit: 'short',
        decimals: 0,
        width: 8,
        thresholds: thresholds(1, 10),
        queries: [measured(MEASURE_STALLS_OVER_50MS)],
      }),
    )
    .withPanel(
      barGaugePanel({
        title: 'Background tasks completed by strategy',
        description: `Tasks that finished "done" during each measure phase (looplab_tasks_total{outcome="done"}, which has its own strategy label; the phase join picks the run). Should equal the triggers accepted (trigger rate × duration) for every strategy that runs tasks (queue: counted by its worker); async runs no background tasks. Fewer: tasks still queued at the end (pool saturated) or rejected. ${MEASURE_NOTE}`,
        unit: 'short',
        decimals: 0,
        width: 8,
        queries: [measured(MEASURE_TASKS_DONE)],
      }),
    );

  builder.withRow(new dashboard.RowBuilder('Over time')).withPanel(
    timeSeriesPanel({
      title: 'Probe p50 / p99 over time, both runs',
      description:
        'Client-side /ping latency over time for both test ids, by strategy (rate over the panel window, warm-up included), to see how steady the numbers above are. Shaded regions: warm-up (grey) and measure (blue) phases. Healthy: flat lines of a few ms. Blocked: a sawtooth up to the job length.',
      unit: 's',
      min: 0,
      queries: [0.5 as const, 0.99 as const].map((q) => ({
        expr: pairProbeQuantileOverTime(q),
        legend: `${LEGEND} ${quantileLabel(q)}`,
      })),
    }),
  );

  return finalize(builder.build());
}
