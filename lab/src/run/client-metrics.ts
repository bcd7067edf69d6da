import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestRecord, Role, Strategy } from '../model.js';

/** Same shape as the target app's latency buckets, so client and server percentiles line up. */
const BUCKETS = [
  0.0005, 0.001, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1,
  0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10,
];

type Labels = { testid: string; strategy: Strategy; role: Role };

/** Transport error (no status) and the rejection the app answers when a queue is full. */
const FAILURE_STATUSES = ['0', '503'];

/**
 * The load generator's own view, as Prometheus metrics on --metrics-port: client-side latency
 * (the ground truth for "other requests waited"), request outcomes, dropped requests and the
 * run's phases, all labelled with the run's testid, so Grafana can put them on the app's time axis.
 */
export class ClientMetrics {
  readonly registry = new Registry();
  private readonly duration = new Histogram({
    name: 'looplab_client_request_duration_seconds',
    help: 'Client-side request latency seen by the load generator (vegeta), from send to last byte.',
    labelNames: ['testid', 'strategy', 'role'],
    buckets: BUCKETS,
    registers: [this.registry],
  });
  private readonly requests = new Counter({
    name: 'looplab_client_requests_total',
    help: 'Requests answered (or failed) by status; status "0" is a transport error or timeout.',
    labelNames: ['testid', 'strategy', 'role', 'status'],
    registers: [this.registry],
  });
  private readonly dropped = new Counter({
    name: 'looplab_client_dropped_requests_total',
    help: 'Requests the open-model schedule called for but the load generator did not send.',
    labelNames: ['testid', 'strategy', 'role'],
    registers: [this.registry],
  });
  private readonly targetRate = new Gauge({
    name: 'looplab_client_target_rate',
    help: 'Requests per second the load generator is attempting (constant arrival rate).',
    labelNames: ['testid', 'strategy', 'role'],
    registers: [this.registry],
  });
  private readonly inFlight = new Gauge({
    name: 'looplab_client_in_flight',
    help: 'Requests sent and not yet answered (scheduled so far minus answered): the open-model equivalent of busy VUs.',
    labelNames: ['testid', 'strategy', 'role'],
    registers: [this.registry],
  });
  private readonly phase = new Gauge({
    name: 'looplab_run_phase',
    help: '1 while a run phase (warmup or measure) of a strategy is running; absent otherwise.',
    labelNames: ['testid', 'strategy', 'phase'],
    registers: [this.registry],
  });
  private server: Server | undefined;

  constructor(readonly testid: string) {}

  record(strategy: Strategy, record: RequestRecord): void {
    const labels: Labels = { testid: this.testid, strategy, role: record.role };
    this.duration.observe(labels, record.latencyMs / 1000);
    this.requests.inc({ ...labels, status: String(record.status) });
  }

  startPhase(strategy: Strategy, phase: 'warmup' | 'measure', rates: Record<Role, number>): void {
    this.phase.set({ testid: this.testid, strategy, phase }, 1);
    for (const role of ['probe', 'trigger'] as const) {
      const labels = { testid: this.testid, strategy, role };
      this.targetRate.set(labels, rates[role]);
      // Failure and drop series exist from the start at 0, so rate() sees their first step and
      // "no failures" reads as a flat zero rather than "no data".
      this.dropped.inc(labels, 0);
      for (const status of FAILURE_STATUSES) this.requests.inc({ ...labels, status }, 0);
    }
  }

  updateInFlight(strategy: Strategy, role: Role, scheduledSoFar: number, answered: number): void {
    this.inFlight.set(
      { testid: this.testid, strategy, role },
      Math.max(0, scheduledSoFar - answered),
    );
  }

  endPhase(strategy: Strategy, phase: 'warmup' | 'measure', dropped: Record<Role, number>): void {
    this.phase.remove({ testid: this.testid, strategy, phase });
    for (const role of ['probe', 'trigger'] as const) {
      const labels = { testid: this.testid, strategy, role };
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
