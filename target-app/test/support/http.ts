import { performance } from 'node:perf_hooks';
import { parsePromText } from '@looplab/lab/src/metrics/prom-text.js';
import { percentile, sortNumbers } from '@looplab/lab/src/stats/percentiles.js';

export interface JsonResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export async function getJson<T = Record<string, unknown>>(url: string): Promise<JsonResponse<T>> {
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

export async function postJson<T = Record<string, unknown>>(
  url: string,
  body: unknown,
): Promise<JsonResponse<T>> {
  return postRaw<T>(url, JSON.stringify(body));
}

export async function postRaw<T = Record<string, unknown>>(
  url: string,
  raw: string,
  contentType = 'application/json',
): Promise<JsonResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: raw,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

export interface TaskView {
  id: string;
  strategy: string;
  status: string;
  wait_ms: number | null;
  run_ms: number | null;
  error: string | null;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  workload: Record<string, unknown>;
}

/** Polls GET /tasks/:id until the task reaches a final status. */
export async function waitForTask(
  baseUrl: string,
  id: string,
  timeoutMs = 15_000,
): Promise<TaskView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await getJson<TaskView>(`${baseUrl}/tasks/${id}`);
    if (['done', 'failed', 'rejected'].includes(body.status)) return body;
    if (Date.now() > deadline)
      throw new Error(`task ${id} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * The value of the first sample of `name` whose labels include `labels` (the lab's exposition
 * parser, so a label matches by its whole value), or undefined when there is none.
 */
export function sampleValue(
  exposition: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return parsePromText(exposition).find(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  )?.value;
}

export async function scrape(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`);
  return response.text();
}

export interface ProbeStats {
  count: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}

/**
 * Hits /ping at a fixed rate (open model: a slow answer does not delay the next send)
 * for the given time, and returns client-side latency percentiles in ms.
 */
export async function probe(
  baseUrl: string,
  durationMs: number,
  intervalMs = 10,
): Promise<ProbeStats> {
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Array<Promise<void>> = [];
  const end = Date.now() + durationMs;
  while (Date.now() < end) {
    const started = performance.now();
    inFlight.push(
      fetch(`${baseUrl}/ping`)
        .then(async (response) => {
          await response.arrayBuffer();
          if (response.status !== 200) errors++;
          latencies.push(performance.now() - started);
        })
        .catch(() => {
          errors++;
        }),
    );
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  await Promise.all(inFlight);
  // The lab's one percentile definition (type 7), as every report uses.
  const sorted = sortNumbers(latencies);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    errors,
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/**
 * Sends several POSTs pipelined on one connection in a single write, so the server
 * parses them all in the same turn of its event loop (deterministic queue pressure).
 */
export async function pipelinedPosts(
  port: number,
  path: string,
  bodies: unknown[],
): Promise<RawResponse[]> {
  const { connect } = await import('node:net');
  const payload = bodies
    .map((body, index) => {
      const json = JSON.stringify(body);
      const last = index === bodies.length - 1;
      return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: ${last ? 'close' : 'keep-alive'}\r\n\r\n${json}`;
    })
    .join('');
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(payload));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.setTimeout(20_000, () => socket.destroy(new Error('pipelined request timed out')));
  });
  const responses: RawResponse[] = [];
  let rest = raw;
  while (rest.length > 0) {
    const headerEnd = rest.indexOf('\r\n\r\n');
    if (headerEnd < 0) break;
    const [statusLine = '', ...headerLines] = rest.slice(0, headerEnd).split('\r\n');
    const headers = Object.fromEntries(
      headerLines.map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
      }),
    );
    const length = Number(headers['content-length'] ?? 0);
    const bodyStart = headerEnd + 4;
    const body = rest.slice(bodyStart, bodyStart + length);
    responses.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: JSON.parse(body || '{}'),
    });
    rest = rest.slice(bodyStart + length);
  }
  return responses;
}
