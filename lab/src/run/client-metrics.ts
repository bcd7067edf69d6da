import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { METRICS, type MetricDefinition } from '@looplab/contract';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestRecord, Role, Strategy, Target } from '../model.js';
import { REJECTED_STATUS } from './trigger-outcome.js';

type Labels = { testid: string; target: Target; strategy: Strategy; role: Role };

/** Which app and strategy a request belongs to. */
export interface ClientKey {
  target: Target;
  strategy: Strategy;
}

/** Transport error (no status) and the rejection the app answers when a queue is full. */
const FAILURE_STATUSES = ['0', String(REJECTED_STATUS)];

/** name, help and label names of a contract metric, as prom-client takes them. */
function definition(metric: MetricDefinition) {
  return { name: metric.name, help: metric.help, labelNames: [...metric.labels] };
}

/**
 * The load generator's own view, as Prometheus metrics on --metrics-port: client-side latency
 * (the ground truth for "other requests waited"), request outcomes, dropped requests and the
 * run's phases, all labelled with the run's testid, so Grafana can put them on the app's time axis.
 */
export class ClientMetrics {
  readonly registry = new Registry();
  private readonly duration = new Histogram({
    ...definition(METRICS.clientDuration),
    buckets: [...(METRICS.clientDuration.buckets ?? [])],
    registers: [this.registry],
  });
  private readonly requests = new Counter({
    ...definition(METRICS.clientRequests),
    registers: [this.registry],
  });
  private readonly dropped = new Counter({
    ...definition(METRICS.clientDropped),
    registers: [this.registry],
  });
  private readonly targetRate = new Gauge({
    ...definition(METRICS.clientTargetRate),
    registers: [this.registry],
  });
  private readonly inFlight = new Gauge({
    ...definition(METRICS.clientInFlight),
    registers: [this.registry],
  });
  private readonly phase = new Gauge({
    ...definition(METRICS.runPhase),
    registers: [this.registry],
  });
  private server: Server | undefined;

  constructor(readonly testid: string) {}

  record(key: ClientKey, record: RequestRecord): void {
    const labels: Labels = { testid: this.testid, ...key, role: record.role };
    this.duration.observe(labels, record.latencyMs / 1000);
    this.requests.inc({ ...labels, status: String(record.status) });
  }

  startPhase(key: ClientKey, phase: 'warmup' | 'measure', rates: Record<Role, number>): void {
    this.phase.set({ testid: this.testid, ...key, phase }, 1);
    for (const role of ['probe', 'trigger'] as const) {
      const labels = { testid: this.testid, ...key, role };
      this.targetRate.set(labels, rates[role]);
      // Failure and drop series exist from the start at 0, so rate() sees their first step and
      // "no failures" reads as a flat zero rather than "no data".
      this.dropped.inc(labels, 0);
      for (const status of FAILURE_STATUSES) this.requests.inc({ ...labels, status }, 0);
    }
  }

  updateInFlight(key: ClientKey, role: Role, scheduledSoFar: number, answered: number): void {
    this.inFlight.set(
      { testid: this.testid, ...key, role },
      Math.max(0, scheduledSoFar - answered),
    );
  }

  endPhase(key: ClientKey, phase: 'warmup' | 'measure', dropped: Record<Role, number>): void {
    this.phase.remove({ testid: this.testid, ...key, phase });
    for (const role of ['probe', 'trigger'] as const) {
      const labels = { testid: this.testid, ...key, role };
      if (dropped[role] > 0) this.dropped.inc(labels, dropped[role]);
      this.targetRate.set(labels, 0);
      this.inFlight.set(labels, 0);
    }
  }

  async listen(port: number, host: string): Promise<number> {
    this.server = createServer((request, response) => {
      if (request.url !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      void this.registry.metrics().then((body) => {
        response.writeHead(200, { 'content-type': this.registry.contentType }).end(body);
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
