/**
 * Your own service under `looplab compare --variant`: checked once before any load (it answers,
 * its probe answers 2xx, its metrics are there or not), then one cell per variant driving it.
 * looplab neither starts nor stops it.
 */
import type { ResolvedPlan, ResolvedVariant } from '../../load/service/plan.js';
import { parsePromText } from '../../metrics/prom-text.js';
import { describeRecognised } from '../../metrics/reading-words.js';
import { recogniseMetrics } from '../../metrics/recognise.js';
import {
  type Cell,
  type HttpRequestSpec,
  SERVICE_INSTRUMENTATION,
  SERVICE_TARGET,
  SERVICE_WORKLOAD,
  type ServiceRun,
  type ServiceVariant,
} from '../../model.js';
import type { CellApp } from '../compare.js';
import type { AppUnderTest } from '../target-app-process.js';
import { type LastScrapes, ServiceScrapes } from './scrapes.js';

const CHECK_TIMEOUT_MS = 10_000;

export class ServiceCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceCheckError';
  }
}

/** "GET http://127.0.0.1:8000/health". */
const named = (request: HttpRequestSpec) => `${request.method} ${request.url}`;

function because(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** The probe once: the service must answer it, with a 2xx, before any load is sent. */
async function checkProbe(variant: ResolvedVariant, probe: string): Promise<void> {
  let status: number;
  try {
    const response = await fetch(variant.probe.url, {
      method: variant.probe.method,
      headers: variant.probe.headers,
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    status = response.status;
  } catch (error) {
    throw new ServiceCheckError(
      `the service at ${variant.targetUrl} does not answer (${because(error)} on ${named(variant.probe)}): is it running, on that port? Nothing was sent to it.`,
    );
  }
  if (status < 200 || status >= 300)
    throw new ServiceCheckError(
      `the probe ${probe} answered ${status} at ${variant.probe.url} (variant ${variant.name}): a probe must answer 2xx, or every probe would count as a failure. Pick a route that does (--probe). Nothing else was sent.`,
    );
}

export interface MetricsCheck {
  /** The URL to scrape, or null: probe only. */
  url: string | null;
  /** One line for the console: what was found there. */
  found: string;
}

/** The service's metrics, once: there (and what looplab recognises in them) or not. */
async function checkMetrics(
  variant: ResolvedVariant,
  lastScrapes: LastScrapes,
): Promise<MetricsCheck> {
  const { url, named: given } = variant.metrics;
  let problem: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    const text = await response.text();
    lastScrapes.set(url, Date.now());
    // A page that is not Prometheus text (an app's catch-all route) has no numeric samples.
    const samples = response.ok
      ? parsePromText(text).filter((sample) => !Number.isNaN(sample.value))
      : [];
    if (samples.length > 0) {
      const probe = new URL(variant.probe.url);
      const recognised = recogniseMetrics(samples, {
        method: variant.probe.method,
        path: probe.pathname,
      });
      return { url, found: `${url}: ${describeRecognised(recognised)}` };
    }
    problem = response.ok ? 'no Prometheus samples in it' : `HTTP ${response.status}`;
  } catch (error) {
    problem = because(error);
  }
  if (given)
    throw new ServiceCheckError(
      `the metrics URL ${url} (variant ${variant.name}) gave ${problem}: name one that serves Prometheus text, or leave --target-metrics out to measure with the probe only`,
    );
  return { url: null, found: `${url}: ${problem}, so the probe alone measures (probe only)` };
}

/**
 * Checks every variant's service before any load is sent (each base URL and metrics URL once)
 * and returns the run's ServiceRun, with the lines that say what was found.
 */
export async function checkService(
  plan: ResolvedPlan,
  lastScrapes: LastScrapes,
): Promise<{ service: ServiceRun; found: string[] }> {
  const probed = new Set<string>();
  const metrics = new Map<string, MetricsCheck>();
  const variants: ServiceVariant[] = [];
  for (const variant of plan.variants) {
    if (!probed.has(variant.probe.url)) {
      await checkProbe(variant, plan.probe);
      probed.add(variant.probe.url);
    }
    let check = metrics.get(variant.metrics.url);
    if (!check) {
      check = await checkMetrics(variant, lastScrapes);
      metrics.set(variant.metrics.url, check);
    }
    const { metrics: _metrics, ...rest } = variant;
    variants.push({ ...rest, metricsUrl: check.url });
  }
  return {
    service: { probe: plan.probe, baseline: plan.baseline, variants },
    found: [...metrics.values()].map((check) => check.found),
  };
}

/** A variant's row: your own service, its own requests, a tracing looplab does not know. */
export function variantCell(variant: ServiceVariant): Cell {
  return {
    target: SERVICE_TARGET,
    strategy: variant.name,
    workload: SERVICE_WORKLOAD,
    instrumentation: SERVICE_INSTRUMENTATION,
  };
}

/** A service someone else runs: nothing to start, wait for or stop. */
class RunningService implements AppUnderTest {
  readonly exited = false;
  constructor(readonly url: string) {}
  lastLines(): string[] {
    return [];
  }
  async stop(): Promise<void> {}
}

/** What a variant's phase drives: its probe and its requests, its metrics if it has them. */
export function variantApp(
  variant: ServiceVariant,
  probeRate: number,
  lastScrapes: LastScrapes,
): { target: CellApp; scrapes: ServiceScrapes | undefined } {
  const { probe } = variant;
  const scrapes =
    variant.metricsUrl === null
      ? undefined
      : new ServiceScrapes(
          variant.metricsUrl,
          { method: probe.method, path: new URL(probe.url).pathname },
          variant.name,
          lastScrapes,
        );
  const trigger = variant.targets
    ? {
        targetFile: { path: variant.targets.file, format: variant.targets.format },
        headers: variant.headers,
      }
    : {
        url: variant.request?.url as string,
        method: variant.request?.method,
        body: variant.request?.body,
        headers: variant.request?.headers,
      };
  const app = new RunningService(variant.targetUrl);
  return {
    target: {
      app,
      metricsUrls: scrapes && variant.metricsUrl ? [variant.metricsUrl] : [],
      load: {
        probe: {
          url: probe.url,
          method: probe.method,
          headers: probe.headers,
          ratePerS: probeRate,
        },
        trigger: { ...trigger, ratePerS: variant.ratePerS },
      },
      ...(scrapes ? { reduceScrape: scrapes.reduce } : {}),
      stop: () => app.stop(),
    },
    scrapes,
  };
}
