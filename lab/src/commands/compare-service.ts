/**
 * `looplab compare --variant NAME=... [--probe ...] [--config looplab.config.json]`: your own
 * service instead of looplab's apps. Each variant is a cell like a strategy: its phase sends the
 * probe and the variant's requests side by side; the probe's client-side latency needs nothing
 * from the service, its /metrics is read when it has one. Same runner, report, diff and budgets.
 */
import type { Command } from 'commander';
import { allowTargetHosts } from '../load/loopback.js';
import { type CompareConfig, loadCompareConfig } from '../load/service/config-file.js';
import { resolvePlan, type ServicePlan, type VariantPlan } from '../load/service/plan.js';
import {
  parseHeader,
  parseVariantFlag,
  readBody,
  ServiceSpecError,
} from '../load/service/request-spec.js';
import { formatOf } from '../load/vegeta/target-file.js';
import {
  type Budget,
  type RunConfig,
  SERVICE_INSTRUMENTATION,
  SERVICE_TARGET,
  SERVICE_WORKLOAD,
  type ServiceRun,
} from '../model.js';
import { runCell } from '../run/compare.js';
import { interruptible } from '../run/prepare.js';
import type { LastScrapes } from '../run/service/scrapes.js';
import { checkService, variantApp, variantCell } from '../run/service/service-app.js';
import { budgetsFrom, EXIT_BUDGET_BROKEN, EXIT_INCOMPLETE } from './budget-file.js';
import { type Comparison, defaultRunId, type RunnerFlags, runComparison } from './comparison.js';
import { printBudgetSummary } from './print.js';
import type { WrittenRunFolder } from './run-folder.js';

/** The flags a comparison of your own service reads (the rest of `compare`'s do not apply). */
export interface ServiceFlags extends RunnerFlags {
  duration: number;
  warmup: number;
  probeRate: number;
  triggerRate: number;
  timeout: number;
  runId?: string;
  testid?: string;
  targetUrl?: string;
  probe?: string;
  variant?: string[];
  body?: string;
  header?: string[];
  targetMetrics?: string;
  config?: string;
  allowHost?: string[];
  baseline?: string;
}

/** The load settings a config file may hold, by their flag. */
const LOAD_KEYS = ['duration', 'warmup', 'probeRate', 'triggerRate', 'timeout'] as const;

/** `compare` drives your own service when it is given variants, here or in a config file. */
export function isServiceComparison(flags: Pick<ServiceFlags, 'variant' | 'config'>): boolean {
  return (flags.variant?.length ?? 0) > 0 || flags.config !== undefined;
}

/**
 * The flags with the config file under them: a flag given on the command line wins (`given`),
 * `--variant` replaces the file's variants; the file's wins over a default.
 */
export function withConfigFile(
  flags: ServiceFlags,
  given: (key: keyof ServiceFlags) => boolean,
): { flags: ServiceFlags; file?: CompareConfig } {
  if (flags.config === undefined) return { flags };
  const file = loadCompareConfig(flags.config);
  const merged: ServiceFlags = { ...flags };
  for (const key of LOAD_KEYS) {
    const value = file[key];
    if (value !== undefined && !given(key)) merged[key] = value;
  }
  for (const key of ['targetUrl', 'probe', 'targetMetrics', 'baseline'] as const) {
    const value = file[key];
    if (value !== undefined && !given(key)) merged[key] = value;
  }
  return { flags: merged, file };
}

/** The flags (and config file) as a plan: every request as given, not yet resolved. */
export function servicePlanOf(flags: ServiceFlags, file?: CompareConfig): ServicePlan {
  const folder = process.cwd();
  const fromFlags: VariantPlan[] = (flags.variant ?? []).map((text) => {
    const parsed = parseVariantFlag(text);
    return 'targets' in parsed
      ? { name: parsed.name, targets: { file: parsed.targets, format: formatOf(parsed.targets) } }
      : parsed;
  });
  const headers = {
    ...file?.headers,
    ...Object.fromEntries((flags.header ?? []).map(parseHeader)),
  };
  const body = flags.body !== undefined ? readBody(flags.body, '--body') : file?.body;
  const probe = flags.probe ?? file?.probe;
  if (probe === undefined)
    throw new ServiceSpecError(
      "give the probe: --probe 'GET /health' (a cheap route of your service; its latency is what the report compares)",
    );
  const plan: ServicePlan = {
    probe,
    // --variant replaces the file's variants; the file's relative names are read from its folder.
    variants: fromFlags.length > 0 ? fromFlags : (file?.variants ?? []),
    headers,
    ratePerS: flags.triggerRate,
    folder: fromFlags.length > 0 || !file ? folder : file.folder,
  };
  if (flags.targetUrl !== undefined) plan.targetUrl = flags.targetUrl;
  if (body !== undefined) plan.body = body;
  if (flags.targetMetrics !== undefined) plan.targetMetrics = flags.targetMetrics;
  if (flags.baseline !== undefined) plan.baseline = flags.baseline;
  return plan;
}

/** What the run records of itself: its service and variants; no strategy, workload or pool. */
function serviceConfig(flags: ServiceFlags, service: ServiceRun): RunConfig {
  const runId = flags.runId ?? defaultRunId();
  return {
    runId,
    strategies: service.variants.map((variant) => variant.name),
    targets: [SERVICE_TARGET],
    workloads: [SERVICE_WORKLOAD],
    instrumentation: [SERVICE_INSTRUMENTATION],
    durationS: flags.duration,
    warmupS: flags.warmup,
    probeRate: flags.probeRate,
    triggerRate: flags.triggerRate,
    workload: SERVICE_WORKLOAD,
    workloadMs: Number.NaN,
    poolSize: Number.NaN,
    timeoutS: flags.timeout,
    testid: flags.testid ?? runId,
    targetUrl: service.variants[0]?.targetUrl ?? null,
    service,
  };
}

/** The variant's requests, for its progress line. */
function describeVariant(service: ServiceRun, name: string): string {
  const variant = service.variants.find((v) => v.name === name);
  if (!variant) return name;
  const what = variant.targets
    ? `${variant.targets.count} target(s) of ${variant.targets.file}`
    : `${variant.request?.method} ${variant.request?.url}`;
  return `${variant.ratePerS}/s of ${what}`;
}

/** Checks the service, then runs each variant as a cell and writes the report. */
export function runServiceCompareCommand(
  repoRoot: string,
  flags: ServiceFlags,
  plan: ServicePlan,
  budgetsOf: (variants: readonly string[]) => Budget[],
  allowHosts: readonly string[],
): Promise<WrittenRunFolder> {
  return interruptible(async (signal) => {
    allowTargetHosts(allowHosts);
    const resolved = resolvePlan(plan);
    const budgets = budgetsOf(resolved.variants.map((variant) => variant.name));
    const lastScrapes: LastScrapes = new Map();
    const { service, found } = await checkService(resolved, lastScrapes);
    for (const line of found) console.log(`metrics: ${line}`);
    const config = serviceConfig(flags, service);
    const cells = service.variants.map(variantCell);
    const comparison: Comparison = {
      config,
      cells,
      thresholds: [],
      startsApp: false,
      describeTarget: (placement) =>
        `Service ${[...new Set(service.variants.map((v) => v.targetUrl))].join(', ')} (already running); probe ${service.probe}; load on CPU ${placement.load ?? 'any'}`,
      describeTrigger: (cell) => describeVariant(service, cell.strategy),
      runCell: async (ctx, cell) => {
        const variant = service.variants.find((v) => v.name === cell.strategy);
        if (!variant) throw new Error(`no variant ${cell.strategy}`);
        const { target, scrapes } = variantApp(variant, config.probeRate, lastScrapes);
        const run = await runCell(ctx, cell, async () => target);
        return { ...run, recognised: scrapes ? scrapes.recognised : null };
      },
    };
    return runComparison(repoRoot, comparison, flags, budgets, signal);
  });
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `compare`'s flags for your own service (help says which go together). */
export function addServiceOptions(command: Command): Command {
  return command
    .option(
      '--variant <NAME=request>',
      "your own service: a variant to compare, 'NAME=METHOD /path' (or a URL) or NAME=@targets.http (a vegeta target file, http or json format); repeat for each, they run one after another",
      collect,
    )
    .option(
      '--probe <request>',
      "with --variant: the request whose client-side latency is compared, e.g. 'GET /health' (sent during every variant)",
    )
    .option('--body <json|@file>', "with --variant: the variants' request body")
    .option(
      '-H, --header <"Name: value">',
      'with --variant: a header on every request (repeat)',
      collect,
    )
    .option(
      '--target-metrics <url>',
      "with --variant: the service's Prometheus metrics (default: <target-url>/metrics, read when it answers)",
    )
    .option(
      '--baseline <variant>',
      'with --variant: the variant the others are compared with (default: the first)',
    )
    .option(
      '--config <file>',
      'your own service from a file (lab/schema/compare-config.schema.json): the same settings as these flags; flags given win',
    )
    .option(
      '--allow-host <host>',
      'send load to this host too (loopback only otherwise); name each host (repeat)',
      collect,
    );
}

/** Flags that only mean something for looplab's own apps. */
const LAB_ONLY = [
  'strategies',
  'target',
  'workload',
  'workloads',
  'instrumentation',
  'size',
  'poolSize',
];
/** Flags that only mean something for your own service. */
const SERVICE_ONLY = ['probe', 'body', 'header', 'targetMetrics', 'baseline'];

const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Flags given on the command line that the kind of comparison asked for does not take. */
export function misplacedFlags(command: Command, service: boolean): string | undefined {
  const wrong = (service ? LAB_ONLY : SERVICE_ONLY).filter(
    (key) => command.getOptionValueSource(key) === 'cli',
  );
  if (wrong.length === 0) return undefined;
  return service
    ? `${wrong.map(flagName).join(', ')}: only for looplab's own apps, not with --variant or --config`
    : `${wrong.map(flagName).join(', ')}: only with --variant or --config (your own service)`;
}

/** `compare` of your own service from its parsed flags; the exit code says how it went. */
export async function serviceCompareAction(
  command: Command,
  repoRoot: string,
  given: ServiceFlags & { budgets: string | false },
): Promise<void> {
  const { flags, file } = withConfigFile(
    given,
    (key) => command.getOptionValueSource(key) === 'cli',
  );
  const plan = servicePlanOf(flags, file);
  // Only an explicit --budgets file applies: looplab.budgets.json is about the lab's strategies.
  const budgetsPath = command.getOptionValueSource('budgets') === 'cli' ? given.budgets : false;
  const written = await runServiceCompareCommand(
    repoRoot,
    flags,
    plan,
    (variants) => budgetsFrom(budgetsPath, variants),
    [...(given.allowHost ?? []), ...(file?.allowHosts ?? [])],
  );
  const budgetsPassed = printBudgetSummary(written.report);
  for (const problem of written.report.problems ?? []) console.log(`incomplete: ${problem}`);
  process.exitCode = !budgetsPassed
    ? EXIT_BUDGET_BROKEN
    : written.report.problems
      ? EXIT_INCOMPLETE
      : 0;
}
