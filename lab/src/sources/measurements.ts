/**
 * What a source hands the report builder (report/figures): per cell, the app's metrics as
 * snapshots at its scrapes and the load generator's view of the requests. The local source makes
 * them from raw.json (sources/local), the Prometheus source from the series Prometheus kept
 * (sources/prometheus); the builder computes every figure from them once, whichever it was.
 */
import type {
  Cell,
  Environment,
  MetricsSample,
  RecognisedMetrics,
  Report,
  Role,
  RunConfig,
} from '../model.js';
import type { RawStalls } from '../stall-model.js';
import type { SecondStats } from '../stats/series.js';

export interface RunMeasurements {
  source: Report['source'];
  config: RunConfig;
  environment: Environment;
  /** When the run ended: a report rebuilt from the same data is identical. */
  createdAt: string;
  /** In run order. */
  cells: CellMeasurements[];
}

export interface CellMeasurements {
  cell: Cell;
  app: AppTimeline;
  client: ClientView;
  /** What the app said ran in its stalls; absent when the source has none (Prometheus). */
  stalls?: StallEvidence;
}

/** A cell's stalls as the runner fetched them from the app (GET /looplab/stalls). */
export interface StallEvidence {
  stalls: RawStalls;
  /** Epoch ms of the phase's t = 0: the stalls' windows are epoch ms (the app's clock). */
  phaseStartMs: number;
}

/**
 * The app's metrics around one measured phase: a snapshot per scrape (t in ms since the phase
 * started; there may be scrapes before it and after it), and the two instants the phase's figures
 * span. Counters are read at those instants, linearly between the scrapes around them.
 */
export interface AppTimeline {
  samples: readonly MetricsSample[];
  /** ms since the phase started. A scrape at or before `from` only anchors the counters. */
  from: number;
  to: number;
  /** How often the app was scraped, ms (NaN when unknown): one scrape speaks for that long. */
  scrapeIntervalMs: number;
  /**
   * Your own service: which of its series the samples hold (null: none, probe only). Absent for
   * looplab's own apps, whose names are the contract's.
   */
  recognised?: RecognisedMetrics | null;
}

/** Latency of one role's requests over the phase, ms, and where its p99 really lies. */
export interface LatencyFigures {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  /** Exact samples: 95 % confidence intervals; histogram: the buckets the estimates fell in. */
  ranges: Record<'p50' | 'p95' | 'p99', { low: number; high: number }>;
  rangeKind: 'ci95' | 'bucket';
}

/** The load generator's side of one phase (client side: the ground truth for "others waited"). */
export interface ClientView {
  /** How long the phase ran, s (throughput's denominator). */
  seconds: number;
  /** Requests the schedule called for, and those sent, per role. */
  expected: Record<Role, number>;
  sent: Record<Role, number>;
  /** Answers whose HTTP status `accepts` takes (0: none, a timeout or a refused connection). */
  answered(role: Role, accepts: (status: number) => boolean): number;
  latency(role: Role): LatencyFigures;
  /** One entry per second of the phase: the probe's latency in that second. */
  probeSeconds(): SecondStats[];
}
