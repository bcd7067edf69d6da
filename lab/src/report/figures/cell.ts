import type { StrategyResult } from '../../model.js';
import type { CellMeasurements } from '../../sources/measurements.js';
import { costsOf } from './costs.js';
import { eventLoopOf } from './event-loop.js';
import { provenanceOf } from './provenance.js';
import { requestsOf } from './requests.js';
import { type CellPoint, seriesOf } from './series.js';
import { stallsOf } from './stalls.js';
import { tasksOf } from './tasks.js';
import { scrapedDuring } from './timeline.js';

/** A row's figures before the report compares it with its baseline and names it. */
export type CellResult = Omit<StrategyResult, 'ratios' | 'row'>;

export interface CellFigures {
  result: CellResult;
  series: CellPoint[];
  /** What the figures cannot know exactly, in words (prometheus.json and the console show them). */
  notes: string[];
}

/**
 * The one builder of a row's figures, whichever source measured it: the requests, the event loop,
 * the tasks, the costs and the per-second series, each from the counters at two instants.
 */
export function cellFigures(measured: CellMeasurements): CellFigures {
  const { cell, app, client } = measured;
  const requests = requestsOf(client, app, cell.strategy);
  const loop = eventLoopOf(app);
  const tasks = tasksOf(app);
  const costs = costsOf(app);
  const stalls = stallsOf(app, client, measured.stalls);
  const notes: string[] = [];
  const windowMaxRead =
    app.recognised === undefined || app.recognised?.lagMax?.reading === 'window';
  if (scrapedDuring(app) && windowMaxRead && !loop.lagMaxExact) {
    const windowS = Math.max(0, ...app.samples.map((sample) => sample.lagWindowS));
    notes.push(
      `${cell.strategy}: the measure phase (${((app.to - app.from) / 1000).toFixed(1)} s) is not longer than the app's event-loop max window (${windowS} s), so its max lag is an upper bound (window max capped by the delay histogram's bucket).`,
    );
  }
  const result: CellResult = {
    ...cell,
    probe: requests.probe,
    probeServer: requests.probeServer,
    trigger: requests.trigger,
    droppedIterations: requests.droppedIterations,
    eventLoop: loop.eventLoop,
    tasks: tasks.tasks,
    ...(costs.costs ? { costs: costs.costs } : {}),
    ...(stalls ? { stalls } : {}),
    resolution: {
      ...requests.resolution,
      ...loop.resolution,
      ...tasks.resolution,
      ...costs.resolution,
    },
  };
  // Your own service's rows say, figure by figure, what they were read from; a busy time the
  // service does not export is no reading, not an idle loop.
  if (app.recognised !== undefined) {
    if (!app.recognised?.utilization)
      result.eventLoop = { ...result.eventLoop, utilization: Number.NaN };
    result.resolution = {
      ...result.resolution,
      ...provenanceOf(app.recognised, result, loop.lagMaxExact),
    };
  }
  return { result, series: seriesOf(measured), notes };
}
