import type { MetricReader } from './app-sample.js';

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

// The label set ends at the first `}` outside a quoted value, so an OpenMetrics exemplar
// (`… 3 # {trace_id="…"} 0.1 123`) is neither read as labels nor as the value.
const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[^"}]|"(?:[^"\\]|\\.)*")*)\})?\s+(\S+)/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parseValue(raw: string): number {
  if (raw === '+Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(raw);
}

/** Parses the Prometheus text exposition format (samples only; comments are skipped). */
export function parsePromText(text: string): PromSample[] {
  const samples: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(LABEL_PAIR)) {
      labels[pair[1] as string] = (pair[2] as string).replace(/\\(.)/g, (_, c: string) =>
        c === 'n' ? '\n' : c,
      );
    }
    samples.push({ name: match[1] as string, labels, value: parseValue(match[3] as string) });
  }
  return samples;
}

function matches(sample: PromSample, name: string, labels: Record<string, string>): boolean {
  return (
    sample.name === name &&
    Object.entries(labels).every(([key, value]) => sample.labels[key] === value)
  );
}

/** Sum of every sample with this name whose labels include the given ones (0 when none). */
export function sumOf(
  samples: PromSample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  return samples
    .filter((sample) => matches(sample, name, labels))
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** Cumulative histogram buckets as [upper bound, count], summed over other labels, sorted by bound. */
export function bucketsOf(
  samples: PromSample[],
  histogram: string,
  labels: Record<string, string> = {},
): Array<[number, number]> {
  const byBound = new Map<number, number>();
  for (const sample of samples) {
    if (!matches(sample, `${histogram}_bucket`, labels) || sample.labels.le === undefined) continue;
    const bound = parseValue(sample.labels.le);
    byBound.set(bound, (byBound.get(bound) ?? 0) + sample.value);
  }
  return [...byBound.entries()].sort((a, b) => a[0] - b[0]);
}

/** The report's view of one scrape (sources/app-sample.ts). */
export function expositionReader(samples: PromSample[]): MetricReader {
  return {
    sum: (name, labels) => sumOf(samples, name, labels),
    buckets: (name, labels) => bucketsOf(samples, name, labels),
    has: (name) => samples.some((sample) => sample.name === name),
  };
}
