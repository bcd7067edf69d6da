/**
 * `looplab compare --config looplab.config.json`: the flags of a comparison of your own service
 * as a file (lab/schema/compare-config.schema.json). The schema checks the shape; what it cannot
 * say clearly (request lines, names, one of request or targets) is checked here. Every problem
 * names the file and the field.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { schemaProblem } from '../../schemas.js';
import type { TargetFormat } from '../vegeta/target-file.js';
import type { VariantPlan } from './plan.js';
import { checkVariantName, parseRequestLine, readBody } from './request-spec.js';

export class ConfigFileError extends Error {
  constructor(path: string, problem: string) {
    super(`config file ${path}: ${problem}`);
    this.name = 'ConfigFileError';
  }
}

/** The file's settings by the flag they stand for (absent: the flag's default). */
export interface CompareConfig {
  targetUrl?: string;
  probe: string;
  probeRate?: number;
  triggerRate?: number;
  duration?: number;
  warmup?: number;
  timeout?: number;
  headers: Record<string, string>;
  body?: string;
  targetMetrics?: string;
  allowHosts: string[];
  baseline?: string;
  variants: VariantPlan[];
  /** The file's folder: its relative file names are read from there. */
  folder: string;
}

interface VariantEntry {
  name: string;
  request?: string;
  targets?: string;
  format?: TargetFormat;
  body?: unknown;
  headers?: Record<string, string>;
  targetUrl?: string;
  rate?: number;
  metricsUrl?: string;
}

type ConfigEntry = Omit<
  CompareConfig,
  'variants' | 'folder' | 'body' | 'headers' | 'allowHosts'
> & {
  body?: unknown;
  headers?: Record<string, string>;
  allowHosts?: string[];
  variants: VariantEntry[];
};

/** A JSON body as sent: a string starting with @ names a file, anything else is JSON. */
function bodyOf(value: unknown, what: string, folder: string): string {
  return typeof value === 'string' && value.startsWith('@')
    ? readBody(value, what, folder)
    : JSON.stringify(value);
}

export function loadCompareConfig(path: string): CompareConfig {
  const fail = (problem: string): never => {
    throw new ConfigFileError(path, problem);
  };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const problem = schemaProblem('compare-config', data);
  if (problem) fail(`${problem} (lab/schema/compare-config.schema.json)`);
  const entry = data as ConfigEntry;
  const folder = dirname(resolve(path));
  // The schema holds the shape; the forms are checked with the messages the flags get.
  const checked = <T>(check: () => T): T => {
    try {
      return check();
    } catch (error) {
      return fail((error as Error).message);
    }
  };
  checked(() => parseRequestLine(entry.probe, 'probe'));
  const variants = entry.variants.map((variant, index): VariantPlan => {
    const at = `variants[${index}]`;
    checked(() => checkVariantName(variant.name, `${at}.name`));
    if ((variant.request === undefined) === (variant.targets === undefined))
      fail(
        `${at} needs exactly one of request ("METHOD /path") and targets (a vegeta target file)`,
      );
    if (variant.format !== undefined && variant.targets === undefined)
      fail(`${at}.format only goes with targets`);
    const plan: VariantPlan = { name: variant.name };
    if (variant.request !== undefined) {
      const request = variant.request;
      checked(() => parseRequestLine(request, `${at}.request`));
      plan.request = request;
    }
    if (variant.targets !== undefined)
      plan.targets = {
        file: variant.targets,
        ...(variant.format ? { format: variant.format } : {}),
      };
    if (variant.body !== undefined)
      plan.body = checked(() => bodyOf(variant.body, `${at}.body`, folder));
    if (variant.headers) plan.headers = variant.headers;
    if (variant.targetUrl) plan.targetUrl = variant.targetUrl;
    if (variant.rate !== undefined) plan.ratePerS = variant.rate;
    if (variant.metricsUrl) plan.metricsUrl = variant.metricsUrl;
    return plan;
  });
  const {
    body,
    headers,
    allowHosts,
    variants: _variants,
    $schema: _schema,
    ...rest
  } = entry as ConfigEntry & { $schema?: string };
  return {
    ...rest,
    headers: headers ?? {},
    allowHosts: allowHosts ?? [],
    ...(body !== undefined ? { body: checked(() => bodyOf(body, 'body', folder)) } : {}),
    variants,
    folder,
  };
}
