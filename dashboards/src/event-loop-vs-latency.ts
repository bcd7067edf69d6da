/**
 * The headline dashboard: the target app's event loop on the same time axis as the latency of
 * the /ping probe, client side and server side, then what the background tasks and the pool do.
 * The top panels are full width and stacked, so their x axes line up to the pixel.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { timeSeriesPanel } from './panels.js';
import {
  APP_RESIDENT_MEMORY,
  CHUNK_SLICES_PER_SECOND,
  CHUNKED_STRATEGIES,
  chunkSliceQuantile,
  clientLatencyQuantile,
  EVENT_LOOP_DELAY_MAX,
  EVENT_LOOP_DELAY_MAX_BY_STRATEGY,
  EVENT_LOOP_STALLED_SHARE_BY_CLASS,
  EVENT_LOOP_STALLS_BY_CLASS,
  EVENT_LOOP_STALLS_OVER_50MS,
  EVENT_LOOP_UTILIZATION,
  EVENT_LOOP_WINDOW_S,
  eventLoopDelayQuantile,
  POOL_BUSY_NOW,
  POOL_QUEUE_SIZE,
  POOL_STRATEGIES,
  POOL_UTILIZATION_LIFETIME,
  POOL_WORKER_EXITS,
  POOL_WORKER_MEMORY,
  POOL_WORKERS,
  PROCESS_CPU_CORES,
  QUANTILES,
  QUEUE_JOBS_BY_STATE,
  QUEUE_STRATEGIES,
  quantileLabel,
  queueEnqueueQuantile,
  queueWorkerQuantile,
  serverPingQuantile,
  TASK_OUTCOMES_RATE,
  TASK_QUEUE_DEPTH,
  TASKS_IN_FLIGHT,
  taskRunQuantile,
  taskWaitQuantile,
} from './queries.js';
import {
  datasourceVariable,
  finalize,
  instanceVariable,
  looplabDashboard,
  runPhaseAnnotations,
  strategyVariable,
  targetVariable,
  testidVariable,
} from './scaffold.js';
import { strategyColors } from './strategy-colors.js';
import { OFF_LOOP, ON_LOOP, SLICED } from './strategy-groups.js';

export const EVENT_LOOP_UID = 'looplab-event-loop';

const PHASES_NOTE =
  'Shaded regions are the run phases of the selected test ids (grey: warm-up, blue: measure), titled by strategy: the runner runs one strategy at a time, so the region tells which strategy was loading the app.';

export function eventLoopVsLatency(): dashboard.Dashboard {
  const builder = looplabDashboard({
    uid: EVENT_LOOP_UID,
    title: 'looplab · Event loop vs latency',
    description:
      "What background work does to the other requests: the target app's event-loop delay next to the latency of the /ping probe, per strategy run.",
  })
    .withVariable(datasourceVariable())
    .withVariable(targetVariable())
    .withVariable(testidVariable())
    .withVariable(strategyVariable())
    .withVariable(instanceVariable());
  for (const annotation of runPhaseAnnotations()) builder.annotation(annotation);

  builder
    .withRow(new RowBuilder('Event loop (target app, main thread) and probe latency'))
    .withPanel(
      timeSeriesPanel({
        title: 'Event-loop delay: p50, p99 and max',
        description: `How late the main thread's event loop ran its timers (a timer every resolution ms, resolution subtracted). p50/p99 come from the cumulative histogram nodejs_eventloop_delay_seconds; max is the exact largest delay (nodejs_eventloop_delay_window_max_seconds, maxed over the window). Healthy (async, and the off-loop strategies ${OFF_LOOP}): all three stay near 0-5 ms; ${SLICED}: max about one slice. Blocked (${ON_LOOP}): max jumps to about the length of one background job (e.g. 200 ms) while p50 and often p99 barely move, because a stall is one sample among hundreds; read max. ${PHASES_NOTE}`,
        unit: 's',
        min: 0,
        queries: [
          ...[0.5 as const, 0.99 as const].map((q) => ({
            expr: eventLoopDelayQuantile(q),
            legend: `delay ${quantileLabel(q)}`,
          })),
          { expr: EVENT_LOOP_DELAY_MAX, legend: 'delay max' },
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Event-loop stalls by class: share of time stalled and stalls per second',
        description: `Stalls the app itself counted: the loop did not turn for longer than LOOPLAB_STALL_THRESHOLD_MS (default 50 ms; looplab_eventloop_stall_threshold_seconds). Left axis: the share of wall time the loop spent stalled (rate of looplab_eventloop_stalled_seconds_total); right axis: stalls per second (rate of looplab_eventloop_stalls_total), by class: on_cpu (the loop burned CPU: JavaScript or Python, or a native call such as pbkdf2Sync), off_cpu (it waited: a sync sleep, sync I/O, Atomics.wait), gil_wait (Python: another thread held the GIL, the def-task and thread-pool CPU case), native (Python: native code held the GIL). Healthy (async and the off-loop strategies ${OFF_LOOP}): 0. Blocked (${ON_LOOP}): about one stall per job, the stalled share about jobs per second × job length (two 200 ms jobs a second: 40 %), on_cpu for CPU work, off_cpu for sleep. Which code it was: looplab compare's report (What blocked the loop, a flame graph per strategy) or the app's GET /looplab/stalls. ${PHASES_NOTE}`,
        unit: 'percentunit',
        min: 0,
        height: 7,
        queries: [
          { expr: EVENT_LOOP_STALLED_SHARE_BY_CLASS, legend: '{{class}}: share of time stalled' },
          { expr: EVENT_LOOP_STALLS_BY_CLASS, legend: '{{class}}: stalls per second' },
        ],
        overrides: [
          {
            regex: '.*stalls per second',
            properties: [
              { id: 'unit', value: 'short' },
              { id: 'custom.axisPlacement', value: 'right' },
              { id: 'custom.lineStyle', value: { fill: 'dash', dash: [6, 4] } },
            ],
          },
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Probe latency, client side (load generator: the ground truth)',
        description: `Latency of GET /ping as the load generator (vegeta, driven by looplab compare) saw it, from send to last byte, by strategy: looplab_client_request_duration_seconds{role="probe"}. It includes the time the request sat in the socket backlog while the loop was blocked, which the server-side panel below cannot see. Healthy: p99 within a few ms, flat. Blocked: p95/p99 climb to about the job length and follow the max event-loop delay above, stall for stall. Only present while a compare run exports client metrics. ${PHASES_NOTE}`,
        unit: 's',
        min: 0,
        queries: QUANTILES.map((q) => ({
          expr: clientLatencyQuantile(q, 'probe'),
          legend: `{{strategy}} ${quantileLabel(q)}`,
        })),
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Probe latency, server side (/ping handler only, with exemplars)',
        description: `Latency of /ping measured inside the app (http_server_request_duration_seconds{route="/ping"}, Fastify's elapsed time from routing to the response). It starts only when the event loop picks the request up, so it misses the wait in the socket backlog: during a blocked loop it stays low while the client side above shoots up. That gap is the point. Healthy: both panels agree within a millisecond or two. Blocked: client side high, server side still low. Exemplar dots (p99 query) link a slow request to its trace in Tempo.`,
        unit: 's',
        min: 0,
        queries: QUANTILES.map((q) => ({
          expr: serverPingQuantile(q),
          legend: `/ping ${quantileLabel(q)}`,
          exemplar: q === 0.99,
        })),
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Event-loop utilization and process CPU',
        description:
          'ELU: share of wall time the main loop was busy (rate of nodejs_eventloop_utilization_active_seconds_total, 0..100 %). Process CPU: cores used by the whole process, worker threads included (rate of process_cpu_seconds_total; 100 % = one core). Healthy async: both low. Blocking: ELU near 100 % while jobs run, the loop has no time left for requests. Pooled: CPU high (the workers burn it) but ELU stays low: the work moved off the main thread.',
        unit: 'percentunit',
        min: 0,
        height: 7,
        queries: [
          { expr: EVENT_LOOP_UTILIZATION, legend: 'event-loop utilization' },
          { expr: PROCESS_CPU_CORES, legend: 'process CPU (cores)' },
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Max event-loop delay by strategy (measure phases only)',
        description: `The app's exact max delay attributed to the strategy whose measure phase was running: app series carry no strategy, so each point is multiplied by that run's looplab_run_phase{phase="measure"} series (1 while it runs), which keeps the strategy label (max(...) * on() group_right() phase). A line starts ${EVENT_LOOP_WINDOW_S} s into its phase, because the app's max gauge remembers a stall for ${EVENT_LOOP_WINDOW_S} s (LOOPLAB_EVENT_LOOP_WINDOW_S) and the previous strategy's last stall must not be counted. Healthy: async and the off-loop strategies (${OFF_LOOP}) near 0, ${SLICED} about one slice. Blocked: ${ON_LOOP} sit at about one job length.`,
        unit: 's',
        min: 0,
        height: 7,
        queries: [{ expr: EVENT_LOOP_DELAY_MAX_BY_STRATEGY, legend: '{{strategy}} ({{testid}})' }],
        overrides: strategyColors((s) => `${s} \\(.*\\)`),
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Event-loop stalls longer than 50 ms',
        description:
          'Event-loop delay samples above 50 ms per second (histogram count minus the le="0.05" bucket). Quantiles hide stalls (one 200 ms stall is one sample among hundreds); this counts them. Healthy: 0. Blocked: about the rate of blocking jobs (one stall per job).',
        unit: 'short',
        min: 0,
        height: 6,
        bars: true,
        queries: [{ expr: EVENT_LOOP_STALLS_OVER_50MS, legend: 'stalls > 50 ms per second' }],
      }),
    );

  builder
    .withRow(new RowBuilder('Background tasks (target app, by strategy)'))
    .withPanel(
      timeSeriesPanel({
        title: 'Task queue wait p50 / p95 by strategy',
        description:
          'Time from accepting a task to its workload starting (looplab_task_wait_seconds). blocking and chunked: includes every job queued ahead of it on the main thread; pooled and process: time in the pool queue; queue: time in Redis until the worker takes it (exported by the worker). Healthy: near 0. Saturated: pooled wait grows when jobs arrive faster than the pool finishes them (the cost moved from the loop to the queue); blocking wait grows with the backlog of jobs.',
        unit: 's',
        min: 0,
        width: 12,
        queries: [0.5 as const, 0.95 as const].map((q) => ({
          expr: taskWaitQuantile(q),
          legend: `{{strategy}} wait ${quantileLabel(q)}`,
        })),
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Task run time p50 / p95 by strategy',
        description:
          'Time a task spent running its workload (looplab_task_run_seconds). Should match the job size asked for (e.g. 200 ms). For blocking, each second of run time is a second the event loop could not serve anyone; for pooled, process and queue it is spent off the loop; chunked takes longer than asked for, by design (it yields between slices). Much longer than asked for: the CPU is oversubscribed.',
        unit: 's',
        min: 0,
        width: 12,
        queries: [0.5 as const, 0.95 as const].map((q) => ({
          expr: taskRunQuantile(q),
          legend: `{{strategy}} run ${quantileLabel(q)}`,
        })),
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Tasks in flight by strategy',
        description:
          'Tasks running right now (looplab_tasks_in_flight, read at scrape time). pooled and process: up to the pool size; queue: in the worker. blocking: reads 0 in practice, because a scrape is served by the same event loop and can only run between blocking jobs; scrape gaps (up == 0) during a blocking run are the same effect.',
        unit: 'short',
        min: 0,
        width: 8,
        height: 7,
        steps: true,
        queries: [{ expr: TASKS_IN_FLIGHT, legend: '{{strategy}} in flight' }],
        overrides: strategyColors((s) => `${s} in flight`),
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Task queue depth by strategy',
        description:
          "Tasks accepted and not started yet (looplab_task_queue_depth). Healthy: 0-1. Growing steadily: jobs arrive faster than they are worked off; requests get 503 once the strategy's queue limit is reached (see outcomes).",
        unit: 'short',
        min: 0,
        width: 8,
        height: 7,
        steps: true,
        queries: [{ expr: TASK_QUEUE_DEPTH, legend: '{{strategy}} queued' }],
        overrides: strategyColors((s) => `${s} queued`),
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Task outcomes per second',
        description:
          'Tasks finishing per second by strategy and outcome (looplab_tasks_total): done, failed (workload threw, worker died) or rejected (503: queue full or shutting down). Healthy: only done, at the trigger rate. Any rejected or failed: overload or a fault.',
        unit: 'short',
        min: 0,
        width: 8,
        height: 7,
        queries: [{ expr: TASK_OUTCOMES_RATE, legend: '{{strategy}} {{outcome}}' }],
      }),
    );

  builder
    .withRow(
      new RowBuilder(`Pools (${POOL_STRATEGIES.join(', ')}: worker threads, child processes)`),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Pool utilization by strategy',
        description:
          "busy now: worker-seconds of work per second divided by the number of workers (rate of looplab_task_run_seconds_sum / looplab_pool_workers, per strategy). lifetime: the pool's own utilization since it started (looplab_pool_utilization_ratio), which moves slowly. pooled is a worker-thread pool (piscina), process a child-process pool. Healthy: busy now well below 100 %. At 100 % the pool is the bottleneck and queue wait grows; the event loop stays free either way.",
        unit: 'percentunit',
        min: 0,
        width: 12,
        height: 7,
        queries: [
          { expr: POOL_BUSY_NOW, legend: '{{strategy}} busy now' },
          { expr: POOL_UTILIZATION_LIFETIME, legend: '{{strategy}} lifetime' },
        ],
        overrides: strategyColors((s) => `${s} busy now`),
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Pool workers and queue size by strategy',
        description:
          "Workers alive (looplab_pool_workers: threads for pooled, child processes for process; fixed size) and tasks waiting in the pool's queue for a free worker (looplab_pool_queue_size). Healthy: workers constant, queue near 0. exits (looplab_pool_worker_exits_total, per interval): workers that died (a crashed child) and were replaced; a dip in workers is the same moment. Queue growing: more work than workers; requests get 503 at LOOPLAB_POOL_QUEUE_LIMIT.",
        unit: 'short',
        min: 0,
        width: 12,
        height: 7,
        steps: true,
        queries: [
          { expr: POOL_WORKERS, legend: '{{strategy}} workers' },
          { expr: POOL_QUEUE_SIZE, legend: '{{strategy}} queue size' },
          { expr: POOL_WORKER_EXITS, legend: '{{strategy}} exits' },
        ],
        overrides: strategyColors((s) => `${s} workers`),
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Process pool: memory of the child processes',
        description:
          "Resident memory of the process strategy's child processes, summed (looplab_pool_worker_resident_memory_bytes), next to the app process's own (process_resident_memory_bytes). Process isolation is not free: each child is a whole Node.js runtime, tens of MiB, where a worker thread shares the process. Healthy: flat at about pool size × one runtime. Growing: a workload leaks, or crashed children are replaced faster than the old ones are freed.",
        unit: 'bytes',
        min: 0,
        height: 7,
        queries: [
          { expr: POOL_WORKER_MEMORY, legend: '{{strategy}} children (sum)' },
          { expr: APP_RESIDENT_MEMORY, legend: 'app process' },
        ],
        overrides: strategyColors((s) => `${s} children \\(sum\\)`),
      }),
    );

  builder
    .withRow(
      new RowBuilder(`Job queue (${QUEUE_STRATEGIES.join(', ')}: BullMQ on Redis) and its worker`),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Queue jobs by state',
        description:
          "BullMQ jobs by state (looplab_queue_jobs{state}: waiting, active, completed, failed, delayed), read from Redis by the queue worker at scrape time. Healthy: waiting near 0, active up to the worker's concurrency, completed rising at the trigger rate. Waiting growing: the worker cannot keep up; the API still answers 202 quickly (the jobs wait in Redis, not on the event loop). failed rising: the workload threw.",
        unit: 'short',
        min: 0,
        width: 12,
        height: 7,
        steps: true,
        queries: [{ expr: QUEUE_JOBS_BY_STATE, legend: '{{state}}' }],
      }),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Enqueue time (API) and worker wait / run',
        description:
          'enqueue: the time the API spends durably adding the job to Redis before it answers 202 (looplab_queue_enqueue_seconds, the price on the request of surviving restarts). wait: from enqueue to the worker starting the job; run: the workload in the worker process (looplab_task_wait_seconds / looplab_task_run_seconds{strategy="queue"}, exported by the worker). Healthy: enqueue about a millisecond, wait near 0, run about the job size. Wait growing: jobs pile up in Redis.',
        unit: 's',
        min: 0,
        width: 12,
        height: 7,
        queries: [
          ...([0.5, 0.99] as const).map((q) => ({
            expr: queueEnqueueQuantile(q),
            legend: `enqueue ${quantileLabel(q)}`,
          })),
          ...([0.5, 0.95] as const).flatMap((q) =>
            (['wait', 'run'] as const).map((what) => ({
              expr: queueWorkerQuantile(q, what),
              legend: `worker ${what} ${quantileLabel(q)}`,
            })),
          ),
        ],
      }),
    );

  builder
    .withRow(
      new RowBuilder(`Chunked work (${CHUNKED_STRATEGIES.join(', ')}: slices on the main thread)`),
    )
    .withPanel(
      timeSeriesPanel({
        title: 'Slice length p50 / p99 and slices per second',
        description:
          'The chunked strategy runs a job on the main thread in slices of at most LOOPLAB_CHUNK_MS, yielding to the event loop (setImmediate) between them: looplab_task_slice_seconds is the length of each slice, its count the number of slices. The event-loop delay under chunked should stay near one slice length. Healthy: p99 at or just under LOOPLAB_CHUNK_MS (default 5 ms). p99 well above it: a slice overran (the workload cannot be cut finer) and the loop stalls that long.',
        unit: 's',
        min: 0,
        height: 7,
        queries: [
          ...([0.5, 0.99] as const).map((q) => ({
            expr: chunkSliceQuantile(q),
            legend: `slice ${quantileLabel(q)}`,
          })),
          { expr: CHUNK_SLICES_PER_SECOND, legend: 'slices per second' },
        ],
        overrides: [
          {
            regex: 'slices per second',
            properties: [
              { id: 'unit', value: 'short' },
              { id: 'custom.axisPlacement', value: 'right' },
            ],
          },
        ],
      }),
    );

  return finalize(builder.build());
}
