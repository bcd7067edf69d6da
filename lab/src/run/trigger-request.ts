import { strategy as strategyEntry } from '@looplab/contract';
import type { LabCell, RunConfig } from '../model.js';

export interface TriggerRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: { workload: LabCell['workload']; ms: number };
}

/**
 * The trigger stream's request for a cell, from the strategy's contract entry: a GET passes the
 * job size as ?ms= (async: awaits non-blocking I/O that long), a POST sends the workload body.
 */
export function triggerRequest(cell: LabCell, config: RunConfig, baseUrl: string): TriggerRequest {
  const { method, route } = strategyEntry(cell.strategy);
  if (method === 'GET') return { method, url: `${baseUrl}${route}?ms=${config.workloadMs}` };
  return {
    method,
    url: `${baseUrl}${route}`,
    body: { workload: cell.workload, ms: config.workloadMs },
  };
}

/** How the live progress names what a cell's trigger stream sends. */
export function describeTrigger(cell: LabCell, config: RunConfig): string {
  const { method, route } = strategyEntry(cell.strategy);
  return method === 'GET'
    ? `${method} ${route}?ms=${config.workloadMs}`
    : `${cell.workload} ${config.workloadMs} ms job`;
}
