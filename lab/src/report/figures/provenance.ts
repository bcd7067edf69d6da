import type { RecognisedMetrics, Resolution, StrategyResult } from '../../model.js';
import type { CellResult } from './cell.js';

type Resolutions = StrategyResult['resolution'];

/** A figure the service exports nothing for: the probe alone speaks (low, high unknown). */
const NONE: Resolution = { low: Number.NaN, high: Number.NaN, kind: 'none' };

const finite = (value: number) => Number.isFinite(value);

/**
 * Where each of a service row's event-loop and server-side figures came from and how exact it
 * is (model.ts Resolution): the series the service spells, and how it reads. The probe's own
 * figures need nothing from the service (their 95 % intervals are already there).
 * `lagMaxExact`: the window-max rule's verdict (its windows lay inside the phase).
 */
export function provenanceOf(
  recognised: RecognisedMetrics | null,
  result: CellResult,
  lagMaxExact: boolean,
): Resolutions {
  const found = recognised ?? {};
  const { lagMaxMs, utilization } = result.eventLoop;
  const out: Resolutions = {};

  const lag = found.lagMax;
  if (!lag || !finite(lagMaxMs)) out['eventLoop.lagMaxMs'] = NONE;
  else {
    const source = lag.series;
    if (lag.reading === 'scrape')
      out['eventLoop.lagMaxMs'] = {
        low: lagMaxMs,
        high: Number.POSITIVE_INFINITY,
        kind: 'scrape',
        source,
      };
    else if (lag.reading === 'export')
      out['eventLoop.lagMaxMs'] = { low: Number.NaN, high: Number.NaN, kind: 'export', source };
    else if (lagMaxExact)
      out['eventLoop.lagMaxMs'] = { low: lagMaxMs, high: lagMaxMs, kind: 'exact', source };
    else out['eventLoop.lagMaxMs'] = { low: 0, high: lagMaxMs, kind: 'bound', source };
  }

  const p99 = result.resolution['eventLoop.lagP99Ms'];
  out['eventLoop.lagP99Ms'] =
    p99 && found.lagHistogram ? { ...p99, source: found.lagHistogram } : NONE;

  const busy = found.utilization;
  if (!busy || !finite(utilization)) out['eventLoop.utilization'] = NONE;
  else if (busy.reading === 'counter')
    out['eventLoop.utilization'] = {
      low: utilization,
      high: utilization,
      kind: 'exact',
      source: busy.series,
    };
  else
    out['eventLoop.utilization'] = {
      low: Number.NaN,
      high: Number.NaN,
      kind: busy.reading === 'export' ? 'export' : 'scrape',
      source: busy.series,
    };

  const server = result.resolution['probeServer.p99Ms'];
  out['probeServer.p99Ms'] =
    server && found.probeServer
      ? { ...server, source: `${found.probeServer.series} (${found.probeServer.exporter})` }
      : NONE;
  return out;
}
