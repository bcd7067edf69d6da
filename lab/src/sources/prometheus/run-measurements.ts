import type { RunMeasurements } from '../measurements.js';
import { appTimeline } from './app-timeline.js';
import { clientView } from './client-view.js';
import type { MeasurePhase } from './phases.js';
import { configOf, environmentOf, type RunSeries, targetOf } from './run-facts.js';

/**
 * A run's measurements from the series Prometheus kept of it (pure: collect.ts made the queries).
 * `windowS`: the app's max-lag window when it does not export it. What cannot be known is added
 * to `notes`.
 */
export function measurementsOf(
  series: RunSeries,
  windowS: number,
  notes: string[],
): RunMeasurements {
  const config = configOf(series, notes);
  const phases = series.run.phases;
  const runEnd = phases.at(-1)?.end ?? Date.now() / 1000;
  return {
    source: 'prometheus',
    config,
    environment: environmentOf(series),
    createdAt: new Date(Math.round(runEnd * 1000)).toISOString(),
    cells: phases.map((phase) => ({
      cell: cellOf(phase, config.workload),
      app: appTimeline(series.app, phase, windowS),
      client: clientView(series.client, phase, config.durationS),
    })),
  };
}

/**
 * A phase's cell: the app exports neither the workload nor the tracing mode, so every row has the
 * run's workload and the app's default tracing (on).
 */
function cellOf(phase: MeasurePhase, workload: RunMeasurements['config']['workload']) {
  return {
    target: targetOf(phase),
    strategy: phase.strategy,
    workload,
    instrumentation: 'on' as const,
  };
}
