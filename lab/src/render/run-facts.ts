import { formatSeconds, isFiniteNumber } from '../format.js';
import type { Environment, Report, ServiceRun } from '../model.js';

/** A number a report may not know (a report built from Prometheus): NaN, or null after JSON. */
function known(value: number, format: (value: number) => string = String): string {
  return isFiniteNumber(value) ? format(value) : 'unknown';
}

const gib = (value: number): string => `${value.toFixed(1)} GiB`;

/** How a run was configured and where it ran, as label/value text pairs for every renderer. */
export interface Fact {
  label: string;
  value: string;
}

/** Your own service's run: its probe and each variant, as sent. */
function serviceFacts(report: Report, service: ServiceRun): Fact[] {
  const c = report.config;
  return [
    { label: 'Probe', value: `${service.probe} at ${known(c.probeRate)} req/s` },
    ...service.variants.map((variant) => ({
      label: `Variant ${variant.name}`,
      value: `${variant.ratePerS} req/s of ${
        variant.targets
          ? `${variant.targets.count} target(s) of ${variant.targets.file} (vegeta ${variant.targets.format} format)`
          : `${variant.request?.method} ${variant.request?.url}`
      }; probe ${variant.probe.url}; metrics ${variant.metricsUrl ?? 'none (probe only)'}`,
    })),
    {
      label: 'Duration',
      value: `${formatSeconds(c.durationS)} per variant after ${formatSeconds(c.warmupS)} warm-up`,
    },
    { label: 'Client timeout', value: formatSeconds(c.timeoutS) },
  ];
}

export function configFacts(report: Report): Fact[] {
  const c = report.config;
  if (c.service) return serviceFacts(report, c.service);
  return [
    { label: 'Strategies', value: c.strategies.join(', ') },
    {
      label: 'Rates',
      value: `probe ${known(c.probeRate)} req/s, trigger ${known(c.triggerRate)} req/s`,
    },
    {
      label: 'Duration',
      value: `${formatSeconds(c.durationS)} per strategy after ${formatSeconds(c.warmupS)} warm-up`,
    },
    { label: 'Workload', value: `${c.workload}, ${known(c.workloadMs)} ms per job` },
    { label: 'Pool size', value: known(c.poolSize) },
    { label: 'Client timeout', value: formatSeconds(c.timeoutS) },
  ];
}

export function pinningText(pinning: Environment['pinning']): string {
  if (!pinning.app && !pinning.load) return 'not pinned';
  const part = (who: string, cpus: string | null) =>
    cpus ? `${who} on CPU ${cpus}` : `${who} not pinned`;
  return `${part('app', pinning.app)}, ${part('load', pinning.load)}`;
}

export function environmentFacts(report: Report): Fact[] {
  const e = report.environment;
  return [
    { label: 'Node', value: e.node },
    { label: 'Platform', value: e.platform },
    { label: 'CPU', value: e.cpuModel },
    { label: 'Cores', value: known(e.cores) },
    { label: 'Memory', value: known(e.totalMemoryGiB, gib) },
    { label: 'Load generator', value: `${e.loadGenerator.name} ${e.loadGenerator.version}` },
    { label: 'Pinning', value: pinningText(e.pinning) },
    { label: 'Host', value: e.hostname },
  ];
}

/** One line for a header: `Node v24.21.0 · linux x64 · AMD EPYC 7B13 · 2 cores · k6 v1.4.2 · ...`. */
export function environmentLine(report: Report): string {
  const e = report.environment;
  return [
    `Node ${e.node}`,
    e.platform,
    e.cpuModel,
    `${known(e.cores)} cores`,
    isFiniteNumber(e.totalMemoryGiB) ? gib(e.totalMemoryGiB) : 'memory unknown',
    `${e.loadGenerator.name} ${e.loadGenerator.version}`,
    pinningText(e.pinning),
  ].join(' · ');
}
