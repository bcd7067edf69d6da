/**
 * What a comparison of your own service asks for (flags or a config file), and the same with
 * every URL resolved and checked before any request is sent: each variant's base URL, its probe,
 * its requests (or target file), its metrics URL; loopback only unless a host was allowed.
 */
import { resolve } from 'node:path';
import type { HttpRequestSpec, ServiceVariant } from '../../model.js';
import { assertLoopbackUrl } from '../loopback.js';
import { formatOf, readTargetFile, type TargetFormat } from '../vegeta/target-file.js';
import {
  isAbsoluteUrl,
  parseRequestLine,
  type RequestLine,
  ServiceSpecError,
} from './request-spec.js';

export interface VariantPlan {
  name: string;
  /** "METHOD path-or-URL". */
  request?: string;
  /** A vegeta target file (relative to `folder`), its format by extension unless given. */
  targets?: { file: string; format?: TargetFormat };
  /** The request's body as sent (the plan's otherwise). */
  body?: string;
  /** Added to (and over) the plan's headers. */
  headers?: Record<string, string>;
  /** The service this variant drives (the plan's otherwise). */
  targetUrl?: string;
  ratePerS?: number;
  metricsUrl?: string;
}

export interface ServicePlan {
  /** The service's base URL, for variants and a probe given as paths. */
  targetUrl?: string;
  /** "GET /health". */
  probe: string;
  variants: VariantPlan[];
  body?: string;
  /** Sent with every request, the probe's too. */
  headers: Record<string, string>;
  /** Each variant's requests per second unless it says otherwise. */
  ratePerS: number;
  /** Where the service's metrics are (default: <base URL>/metrics). */
  targetMetrics?: string;
  /** The variant the others are compared with (default: the first). */
  baseline?: string;
  /** Where relative file names are read from (the config file's folder, or the working one). */
  folder: string;
}

/** A variant ready to run but for its metrics, which are tried first (preflight). */
export interface ResolvedVariant extends Omit<ServiceVariant, 'metricsUrl'> {
  /** Where its metrics would be; `named`: the user gave it, so it must answer. */
  metrics: { url: string; named: boolean };
}

export interface ResolvedPlan {
  probe: string;
  baseline: string;
  variants: ResolvedVariant[];
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** A path against a base URL (its own path kept: http://h/api + /orders = http://h/api/orders). */
function urlOf(line: RequestLine, base: string): string {
  return isAbsoluteUrl(line.target) ? line.target : `${trimSlash(base)}${line.target}`;
}

function checked(url: string, what: string): string {
  try {
    assertLoopbackUrl(url);
  } catch (error) {
    throw new ServiceSpecError(`${what}: ${(error as Error).message}`);
  }
  return url;
}

function baseOf(variant: VariantPlan, plan: ServicePlan, fallback: () => string | undefined) {
  const base = variant.targetUrl ?? plan.targetUrl ?? fallback();
  if (base === undefined)
    throw new ServiceSpecError(
      `variant ${variant.name}: its requests are paths; give the service's URL (--target-url, or the variant's targetUrl)`,
    );
  return trimSlash(checked(base, `variant ${variant.name}`));
}

/** The one origin a target file's URLs share, if they share one. */
function commonOrigin(urls: readonly string[]): string | undefined {
  const origins = new Set(urls.map((url) => new URL(url).origin));
  return origins.size === 1 ? [...origins][0] : undefined;
}

function resolveVariant(variant: VariantPlan, plan: ServicePlan): ResolvedVariant {
  const what = `variant ${variant.name}`;
  const headers = { ...plan.headers, ...variant.headers };
  let base: string;
  const requests: Pick<ServiceVariant, 'request' | 'targets'> = {};
  if (variant.request !== undefined) {
    const line = parseRequestLine(variant.request, what);
    base = baseOf(variant, plan, () =>
      isAbsoluteUrl(line.target) ? new URL(line.target).origin : undefined,
    );
    const body = variant.body ?? plan.body;
    const request: HttpRequestSpec = {
      method: line.method,
      url: checked(urlOf(line, base), what),
      headers,
    };
    if (body !== undefined) request.body = body;
    requests.request = request;
  } else if (variant.targets !== undefined) {
    const file = resolve(plan.folder, variant.targets.file);
    const format = variant.targets.format ?? formatOf(file);
    const targets = readTargetFile(file, format);
    base = baseOf(variant, plan, () => commonOrigin(targets.map((target) => target.url)));
    requests.targets = { file, format, count: targets.length };
  } else {
    throw new ServiceSpecError(`${what}: give a request ("METHOD /path") or a target file`);
  }
  const probeLine = parseRequestLine(plan.probe, '--probe');
  const named = variant.metricsUrl ?? plan.targetMetrics;
  return {
    name: variant.name,
    targetUrl: base,
    ratePerS: variant.ratePerS ?? plan.ratePerS,
    probe: {
      method: probeLine.method,
      url: checked(urlOf(probeLine, base), '--probe'),
      headers: plan.headers,
    },
    headers: requests.targets ? headers : {},
    ...requests,
    metrics: {
      url: checked(named ?? `${base}/metrics`, `${what}: metrics`),
      named: named !== undefined,
    },
  };
}

/** Every variant resolved and checked, the baseline named; throws on the first problem. */
export function resolvePlan(plan: ServicePlan): ResolvedPlan {
  if (plan.variants.length === 0)
    throw new ServiceSpecError('give at least one --variant NAME=METHOD /path');
  const names = plan.variants.map((variant) => variant.name);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) throw new ServiceSpecError(`two variants are called ${twice}`);
  const baseline = plan.baseline ?? (names[0] as string);
  if (!names.includes(baseline))
    throw new ServiceSpecError(
      `--baseline ${baseline}: not a variant of this run (${names.join(', ')})`,
    );
  return {
    probe: plan.probe,
    baseline,
    variants: plan.variants.map((variant) => resolveVariant(variant, plan)),
  };
}
