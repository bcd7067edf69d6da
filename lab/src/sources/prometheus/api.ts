import { fromMatrix, type MatrixEntry, type Series } from './series.js';

/** One query as it was sent, for prometheus.json: what the report was built from. */
export interface QueryLog {
  query: string;
  /** Evaluation time, seconds since the epoch. */
  time: number;
  series: number;
  samples: number;
}

interface ApiAnswer {
  status?: string;
  error?: string;
  errorType?: string;
  data?: { resultType?: string; result?: unknown };
}

/** A PromQL string literal: JSON's escapes are a subset of PromQL's (Go's). */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/**
 * The little of Prometheus' HTTP API the report needs: instant queries over range selectors
 * (`/api/v1/query`), which return every raw sample with its scrape timestamp. Read-only.
 */
export class PrometheusApi {
  readonly baseUrl: string;
  readonly log: QueryLog[] = [];

  constructor(
    url: string,
    private readonly timeoutMs = 60_000,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`--prometheus: not a URL: ${url}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new Error(`--prometheus: expected an http(s) URL, got ${url}`);
    // Keep a path prefix (Prometheus behind a proxy at /prometheus) but not a trailing slash.
    this.baseUrl = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  }

  /** Raw samples of a range-selector query evaluated at `time` (seconds since the epoch). */
  async samples(query: string, time: number): Promise<Series[]> {
    const url = `${this.baseUrl}/api/v1/query`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query, time: time.toFixed(3) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { message?: string; code?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new Error(`cannot reach Prometheus at ${this.baseUrl}: ${reason}`);
    }
    const text = await response.text();
    let answer: ApiAnswer;
    try {
      answer = JSON.parse(text) as ApiAnswer;
    } catch {
      throw new Error(
        `Prometheus at ${this.baseUrl} answered HTTP ${response.status} with something that is not its API's JSON: ${text.slice(0, 200)}`,
      );
    }
    if (!response.ok || answer.status !== 'success') {
      throw new Error(
        `Prometheus at ${this.baseUrl} answered HTTP ${response.status}: ${answer.errorType ?? ''} ${answer.error ?? ''} (query: ${query})`.replace(
          /\s+/g,
          ' ',
        ),
      );
    }
    if (answer.data?.resultType !== 'matrix' || !Array.isArray(answer.data.result))
      throw new Error(
        `Prometheus at ${this.baseUrl}: expected a matrix for ${query}, got ${answer.data?.resultType}`,
      );
    const series = fromMatrix(answer.data.result as MatrixEntry[]);
    this.log.push({
      query,
      time,
      series: series.length,
      samples: series.reduce((total, s) => total + s.t.length, 0),
    });
    return series;
  }
}
