// What does instrumentation cost on the cheapest request? Runs GET /ping against the built
// app with LOOPLAB_INSTRUMENTATION=off and =on, alternating rounds (OFF, ON, OFF, ON, ...) so
// drift hits both modes alike, and prints throughput, client-side p50/p99/max and the ratios.
//
//   node bench/ping-overhead.mjs [--duration 10] [--connections 10] [--rounds 2] [--warmup 3]
//                                [--no-pin] [--json]
//
// Each round starts a fresh app (child process, loopback only), warms it up (discarded),
// measures, and stops it. The app runs on one CPU and the load generator (autocannon,
// in-process) on another when taskset and two CPUs are available.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { createHistogram } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const APP_ARGS = ['--import', './dist/telemetry/register.js', 'dist/main.js'];
const HOST = '127.0.0.1';
const LISTENING_MSG = 'looplab target app listening';
const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const REQUEST_TIMEOUT_S = 10;
const TASKSET = '/usr/bin/taskset';

const TELEMETRY_JS = join(APP_DIR, 'dist', 'telemetry', 'telemetry.js');

/** The instrumentations the built app registers, read from its code so the header stays true. */
function builtInstrumentations() {
  try {
    const code = readFileSync(TELEMETRY_JS, 'utf8');
    const names = [...code.matchAll(/new\s+(?:[\w$]+\.)?(\w+Instrumentation)\s*\(/g)].map(
      (m) => m[1],
    );
    return names.length > 0 ? [...new Set(names)].join(', ') : undefined;
  } catch {
    return undefined;
  }
}

const DESCRIPTION = {
  off: [
    'LOOPLAB_INSTRUMENTATION=off: the OpenTelemetry SDK is never started, so the OTel API is a',
    'no-op (no instrumentation patches, no spans, no context propagation).',
  ],
  on: [
    'LOOPLAB_INSTRUMENTATION=on: OpenTelemetry NodeSDK started before the app with',
    `${builtInstrumentations() ?? '(instrumentations: see src/telemetry/telemetry.ts)'};`,
    'every request records spans. OTEL_* is removed from the app env, so spans go to a',
    'NoopSpanProcessor: recorded, never exported (no exporter/network cost).',
  ],
  both: [
    'Still running in BOTH modes (not switched by the flag): the prom-client HTTP duration',
    'histogram onResponse hook (exemplars only when a span exists), event-loop and default',
    'process metrics, the pino logger (info level, no per-request lines).',
  ],
};

// ---------------------------------------------------------------------------------------------
// arguments

const USAGE = `usage: node bench/ping-overhead.mjs [options]
  --duration <s>      measured seconds per round          (default 10, 1..600)
  --connections <n>   concurrent keep-alive connections   (default 10, 1..1000)
  --rounds <n>        rounds per mode, alternating OFF/ON (default 2, 1..20)
  --warmup <s>        warm-up seconds per round, discarded (default 3, 0..120)
  --no-pin            do not pin app and load generator to separate CPUs
  --json              print machine-readable results on stdout (progress goes to stderr)
  --help`;

const NUMERIC_FLAGS = {
  duration: { def: 10, min: 1, max: 600, integer: false },
  connections: { def: 10, min: 1, max: 1000, integer: true },
  rounds: { def: 2, min: 1, max: 20, integer: true },
  warmup: { def: 3, min: 0, max: 120, integer: false },
};

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = { json: false, pin: true };
  for (const [name, spec] of Object.entries(NUMERIC_FLAGS)) opts[name] = spec.def;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (arg === '--json') {
      opts.json = true;
      continue;
    }
    if (arg === '--no-pin') {
      opts.pin = false;
      continue;
    }
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    const spec = match && NUMERIC_FLAGS[match[1]];
    if (!spec) throw new UsageError(`unknown argument: ${arg}`);
    const raw = match[2] ?? argv[++i];
    const value = Number(raw);
    if (
      raw === undefined ||
      raw === '' ||
      !Number.isFinite(value) ||
      value < spec.min ||
      value > spec.max ||
      (spec.integer && !Number.isInteger(value))
    ) {
      throw new UsageError(
        `--${match[1]} needs ${spec.integer ? 'an integer' : 'a number'} in ${spec.min}..${spec.max}, got ${JSON.stringify(raw)}`,
      );
    }
    opts[match[1]] = value;
  }
  return opts;
}

// ---------------------------------------------------------------------------------------------
// child apps: started per round, always killed (exit, errors, Ctrl-C)

const liveApps = new Set();

function childEnv(mode) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Inherited OTEL_* (exporter endpoint, sampler, SDK switch) or LOOPLAB_* settings would make
    // the two modes differ in more than the flag, or the numbers irreproducible.
    if (key.startsWith('OTEL_') || key.startsWith('LOOPLAB_')) continue;
    env[key] = value;
  }
  return { ...env, PORT: '0', HOST, LOG_LEVEL: 'info', LOOPLAB_INSTRUMENTATION: mode };
}

/** Newest modification time under dist/, to notice a rebuild in the middle of a run. */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function pushBounded(lines, line, max = 40) {
  lines.push(line);
  if (lines.length > max) lines.shift();
}

/** Starts the app; resolves once its "listening" log line names the port. */
function startApp(mode, pinning) {
  const [command, args] =
    pinning.appCpu === undefined
      ? [process.execPath, APP_ARGS]
      : [TASKSET, ['-c', String(pinning.appCpu), process.execPath, ...APP_ARGS]];
  const child = spawn(command, args, {
    cwd: APP_DIR,
    env: childEnv(mode),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const app = { child, mode, exited: false, exitInfo: '', stderr: [], stdoutOther: [] };
  liveApps.add(app);
  const exitedPromise = new Promise((resolve) => {
    const gone = (info) => {
      if (app.exited) return;
      app.exited = true;
      app.exitInfo = info;
      liveApps.delete(app);
      resolve();
    };
    child.once('exit', (code, signal) => gone(signal ? `signal ${signal}` : `exit code ${code}`));
    // A failed spawn may never emit 'exit'.
    child.once('error', (error) => gone(`spawn failed: ${error.message}`));
  });
  app.exitedPromise = exitedPromise;
  createInterface({ input: child.stderr }).on('line', (line) => pushBounded(app.stderr, line));

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`app (${mode.toUpperCase()}) ${why}${appOutputTail(app)}`));
    };
    const timer = setTimeout(() => {
      fail(`did not report "${LISTENING_MSG}" within ${START_TIMEOUT_MS / 1000} s`);
      void stopApp(app);
    }, START_TIMEOUT_MS);
    child.once('error', (error) => fail(`could not be spawned: ${error.message}`));
    exitedPromise.then(() =>
      // Give stderr a moment to drain so the failure shows why it exited.
      setTimeout(() => fail(`exited before listening (${app.exitInfo})`), 50),
    );
    // Keeps reading after start-up too, so the pipe never fills and late errors are kept.
    createInterface({ input: child.stdout }).on('line', (line) => {
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        pushBounded(app.stdoutOther, line);
        return;
      }
      if (entry?.level === 'error' || entry?.level === 'fatal') pushBounded(app.stderr, line);
      if (settled || entry?.msg !== LISTENING_MSG) return;
      if (!Number.isInteger(entry.port) || entry.port <= 0) {
        fail(`logged "${LISTENING_MSG}" without a usable port: ${line}`);
        return;
      }
      settled = true;
      clearTimeout(timer);
      app.port = entry.port;
      resolve(app);
    });
  });
}

function appOutputTail(app) {
  const tail = app.stderr.length > 0 ? app.stderr : app.stdoutOther;
  return tail.length > 0 ? `\nlast app output:\n  ${tail.slice(-20).join('\n  ')}` : '';
}

/** SIGTERM (the app drains and exits), SIGKILL if it is still there after the grace period. */
async function stopApp(app) {
  if (app.exited) return;
  app.child.kill('SIGTERM');
  let timer;
  const killed = new Promise((resolve) => {
    timer = setTimeout(() => {
      if (!app.exited) app.child.kill('SIGKILL');
      resolve();
    }, STOP_GRACE_MS);
  });
  await Promise.race([app.exitedPromise, killed]);
  clearTimeout(timer);
  await app.exitedPromise;
}

function killAllNow() {
  for (const app of liveApps) {
    try {
      app.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

// ---------------------------------------------------------------------------------------------
// pinning

function allowedCpus() {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const list = /^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1]?.trim();
    if (!list) return [];
    return list.split(',').flatMap((part) => {
      const [from, to = from] = part.split('-').map(Number);
      return Array.from({ length: to - from + 1 }, (_, i) => from + i);
    });
  } catch {
    return [];
  }
}

/** App on CPU 0, this process (autocannon runs in it) on CPU 1, when both are possible. */
function setUpPinning(wanted) {
  if (!wanted) return { description: 'none (--no-pin)' };
  if (!existsSync(TASKSET)) return { description: `none (${TASKSET} not found)` };
  if (availableParallelism() < 2) {
    return { description: `none (only ${availableParallelism()} CPU available)` };
  }
  const cpus = allowedCpus();
  const [appCpu, loadCpu] = cpus.includes(0) && cpus.includes(1) ? [0, 1] : cpus;
  if (appCpu === undefined || loadCpu === undefined) {
    return { description: 'none (could not read the allowed CPU list)' };
  }
  const command = `taskset -a -p -c ${loadCpu} ${process.pid}`;
  try {
    // -a: every thread of this process (V8 and libuv threads already exist), not just main.
    execFileSync(TASKSET, ['-a', '-p', '-c', String(loadCpu), String(process.pid)], {
      stdio: 'ignore',
    });
  } catch (error) {
    return { description: `none (${command} failed: ${error.message})` };
  }
  return {
    appCpu,
    loadCpu,
    description: `app → CPU ${appCpu} (taskset -c ${appCpu}), load generator → CPU ${loadCpu} (${command})`,
  };
}

// ---------------------------------------------------------------------------------------------
// other load on the machine: CPU used by processes other than this one and the app

const OTHER_CPU_WARN_CORES = 0.1;
let clockTicks;

function clockTicksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Busy jiffies of the whole machine and of the given processes (all threads), or undefined. */
function cpuSnapshot(pids) {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal = 0] = fields.map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    let ours = 0;
    for (const pid of pids) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ours += Number(rest[11]) + Number(rest[12]); // utime, stime
    }
    return { busy, ours, at: performance.now() };
  } catch {
    return undefined;
  }
}

/** Cores' worth of CPU that neither the bench nor the app used between two snapshots. */
function otherCpuCores(before, after) {
  if (!before || !after) return null;
  const seconds = (after.at - before.at) / 1000;
  const otherJiffies = after.busy - before.busy - (after.ours - before.ours);
  return Math.max(0, otherJiffies / clockTicksPerSecond() / seconds);
}

// ---------------------------------------------------------------------------------------------
// load

let currentLoad;

/** One autocannon run; latency is recorded here in µs (autocannon's own histogram is whole ms). */
function runLoad(url, connections, duration) {
  const latencyUs = createHistogram({ lowest: 1, highest: 60_000_000, figures: 3 });
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, connections, duration, timeout: REQUEST_TIMEOUT_S, pipelining: 1 },
      (error, result) => {
        currentLoad = undefined;
        if (error) reject(error);
        else resolve({ result, latencyUs });
      },
    );
    currentLoad = instance;
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode >= 200 && statusCode < 300) {
        latencyUs.record(Math.max(1, Math.round(responseTimeMs * 1000)));
      }
    });
  });
}

function problemsOf(result) {
  const problems = [];
  if (result.errors > 0) problems.push(`${result.errors} errors`);
  if (result.timeouts > 0) problems.push(`${result.timeouts} timeouts (> ${REQUEST_TIMEOUT_S} s)`);
  if (result.non2xx > 0) {
    const codes = Object.entries(result.statusCodeStats ?? {})
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, { count }]) => `${count}× ${code}`)
      .join(', ');
    problems.push(`${result.non2xx} non-2xx responses (${codes})`);
  }
  if (result.resets > 0) problems.push(`${result.resets} client resets`);
  if ((result['2xx'] ?? 0) === 0) problems.push('no successful responses');
  return problems;
}

async function checkPing(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${body}`);
}

/** Did this mode really (not) record spans? ON puts trace ids into the latency exemplars. */
async function hasTraceExemplars(port) {
  const response = await fetch(`http://${HOST}:${port}/metrics`, {
    headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    signal: AbortSignal.timeout(5_000),
  });
  const body = await response.text();
  return body
    .split('\n')
    .some(
      (line) =>
        line.startsWith('http_server_request_duration_seconds_bucket') &&
        line.includes('route="/ping"') &&
        line.includes('trace_id="'),
    );
}

async function runRound(index, mode, opts, pinning, log) {
  log(`round ${index} ${mode.toUpperCase()}: starting app...`);
  const app = await startApp(mode, pinning);
  try {
    const url = `http://${HOST}:${app.port}/ping`;
    await checkPing(url);
    if (opts.warmup > 0) {
      log(`round ${index} ${mode.toUpperCase()}: warm-up ${opts.warmup} s (discarded)`);
      const warm = await runLoad(url, opts.connections, opts.warmup);
      const problems = problemsOf(warm.result);
      if (problems.length > 0) {
        throw new Error(
          `warm-up of round ${index} (${mode.toUpperCase()}): ${problems.join(', ')}`,
        );
      }
    }
    log(`round ${index} ${mode.toUpperCase()}: measuring ${opts.duration} s`);
    const pids = [process.pid, app.child.pid];
    const cpuBefore = cpuSnapshot(pids);
    const { result, latencyUs } = await runLoad(url, opts.connections, opts.duration);
    const otherCores = otherCpuCores(cpuBefore, cpuSnapshot(pids));
    if (app.exited) throw new Error(`round ${index} (${mode.toUpperCase()}) was cut short`);
    const traced = await hasTraceExemplars(app.port);
    const ok = result['2xx'] ?? 0;
    const row = {
      round: index,
      mode,
      reqPerSec: ok / result.duration,
      p50Ms: latencyUs.percentile(50) / 1000,
      p99Ms: latencyUs.percentile(99) / 1000,
      maxMs: latencyUs.max / 1000,
      requests2xx: ok,
      durationS: result.duration,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      spansRecorded: traced,
      otherCpuCores: otherCores,
      autocannon: {
        requestsPerSecMean: result.requests.mean,
        latencyP50Ms: result.latency.p50,
        latencyP99Ms: result.latency.p99,
        latencyMaxMs: result.latency.max,
      },
    };
    const problems = problemsOf(result);
    if (problems.length > 0) {
      throw new Error(
        `round ${index} (${mode.toUpperCase()}) had failures: ${problems.join(', ')}`,
      );
    }
    log(
      `round ${index} ${mode.toUpperCase()}: ${fmtRate(row.reqPerSec)} req/s, p50 ${fmtMs(row.p50Ms)} ms, p99 ${fmtMs(row.p99Ms)} ms`,
    );
    return row;
  } catch (error) {
    if (app.exited && error instanceof Error) {
      error.message += `\napp (${mode.toUpperCase()}) is gone (${app.exitInfo})${appOutputTail(app)}`;
    }
    throw error;
  } finally {
    await stopApp(app);
  }
}

// ---------------------------------------------------------------------------------------------
// reporting

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmtRate = (value) => Math.round(value).toLocaleString('en-US');
const fmtMs = (value) => value.toFixed(2);
const fmtRatio = (value) => `×${value.toFixed(2)}`;
const fmtPct = (value) => {
  const pct = (value - 1) * 100;
  const sign = pct < 0 ? '−' : '+';
  return `${sign}${Math.abs(pct).toFixed(0)} %`;
};

function summarise(rows, mode) {
  const mine = rows.filter((row) => row.mode === mode);
  return {
    mode,
    rounds: mine.length,
    reqPerSec: median(mine.map((row) => row.reqPerSec)),
    p50Ms: median(mine.map((row) => row.p50Ms)),
    p99Ms: median(mine.map((row) => row.p99Ms)),
    maxMs: median(mine.map((row) => row.maxMs)),
    errors: mine.reduce((sum, row) => sum + row.errors + row.non2xx, 0),
  };
}

function table(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...all.map((row) => row[col].length)));
  const textual = header.map((name) => name === 'round' || name === 'mode');
  const line = (row) =>
    row.map((cell, col) => (textual[col] ? cell.padEnd(widths[col]) : cell.padStart(widths[col])));
  return [
    line(header).join(' | '),
    widths.map((width) => '-'.repeat(width)).join('-|-'),
    ...rows.map((row) => line(row).join(' | ')),
  ].join('\n');
}

function humanReport(opts, pinning, rows, medians, ratios, warnings) {
  const headerCols = ['mode', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors'];
  const cells = (label, r, errors) => [
    label,
    fmtRate(r.reqPerSec),
    fmtMs(r.p50Ms),
    fmtMs(r.p99Ms),
    fmtMs(r.maxMs),
    String(errors),
  ];
  const spans = rows
    .map((row) => `${row.mode.toUpperCase()} ${row.spansRecorded ? 'yes' : 'no'}`)
    .join(', ');
  return [
    'looplab GET /ping: instrumentation OFF vs ON',
    `  node ${process.version}, app: node ${APP_ARGS.join(' ')} (cwd target-app), ${HOST} only`,
    `  load: autocannon in-process, ${opts.connections} connections, warm-up ${opts.warmup} s (discarded),` +
      ` measured ${opts.duration} s, ${opts.rounds} round(s) per mode, order ${rows.map((r) => r.mode.toUpperCase()).join(', ')}, fresh app per round`,
    `  pinning: ${pinning.description}`,
    `  OFF = ${DESCRIPTION.off.join('\n        ')}`,
    `  ON  = ${DESCRIPTION.on.join('\n        ')}`,
    `  ${DESCRIPTION.both.join('\n  ')}`,
    '',
    'per round ("other CPU": cores\' worth used by processes other than the app and this bench)',
    table(
      ['round', ...headerCols, 'other CPU'],
      rows.map((row) => [
        String(row.round),
        ...cells(row.mode.toUpperCase(), row, row.errors + row.non2xx),
        row.otherCpuCores === null ? 'n/a' : `${Math.round(row.otherCpuCores * 100)} %`,
      ]),
    ),
    '',
    `median of ${opts.rounds} round(s) per mode`,
    table(
      headerCols,
      [medians.off, medians.on].map((m) => cells(m.mode.toUpperCase(), m, m.errors)),
    ),
    '',
    `instrumentation cost: throughput ${fmtRatio(ratios.throughput)} (${fmtPct(ratios.throughput)}),` +
      ` p50 ${fmtRatio(ratios.p50)}, p99 ${fmtRatio(ratios.p99)}`,
    '  (ratios are ON ÷ OFF of the per-mode medians; latency is client-side, 2xx only, µs resolution)',
    `  spans seen in /ping latency exemplars after each round: ${spans}`,
    ...warnings.map((warning) => `WARNING: ${warning}`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// main

let interrupted = false;

function onSignal(signal) {
  if (interrupted) return;
  interrupted = true;
  process.stderr.write(`\n${signal}: stopping load and killing the app...\n`);
  currentLoad?.stop();
  const stops = [...liveApps].map((app) => stopApp(app));
  const hardExit = setTimeout(() => {
    killAllNow();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  }, STOP_GRACE_MS + 1_000);
  void Promise.allSettled(stops).then(() => {
    clearTimeout(hardExit);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`ping-overhead: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (!existsSync(join(APP_DIR, 'dist', 'main.js'))) {
    throw new Error('target-app/dist/main.js is missing: run `npm run build` in target-app first');
  }
  const log = (line) => process.stderr.write(`${line}\n`);
  const distDir = join(APP_DIR, 'dist');
  const distMtimeAtStart = newestMtime(distDir);
  const pinning = setUpPinning(opts.pin);
  log(`pinning: ${pinning.description}`);

  const order = Array.from({ length: opts.rounds }, () => ['off', 'on']).flat();
  const rows = [];
  for (const [i, mode] of order.entries()) {
    if (interrupted) return;
    rows.push(await runRound(i + 1, mode, opts, pinning, log));
  }

  const medians = { off: summarise(rows, 'off'), on: summarise(rows, 'on') };
  const ratios = {
    throughput: medians.on.reqPerSec / medians.off.reqPerSec,
    p50: medians.on.p50Ms / medians.off.p50Ms,
    p99: medians.on.p99Ms / medians.off.p99Ms,
  };
  const wrongSpans = rows.filter((row) => row.spansRecorded !== (row.mode === 'on'));
  const rebuilt = newestMtime(distDir) !== distMtimeAtStart;
  const busyRounds = rows.filter((row) => (row.otherCpuCores ?? 0) > OTHER_CPU_WARN_CORES);
  const warnings = busyRounds.map(
    (row) =>
      `round ${row.round} (${row.mode.toUpperCase()}): other processes used ${Math.round(row.otherCpuCores * 100)} % ` +
      'of a core while measuring; its numbers are disturbed',
  );
  warnings.push(
    ...wrongSpans.map(
      (row) =>
        `round ${row.round} (${row.mode.toUpperCase()}): spans ${row.spansRecorded ? 'were' : 'were not'} recorded, ` +
        `expected ${row.mode === 'on' ? 'recorded' : 'none'}; the modes may not differ as described`,
    ),
  );
  if (rebuilt) {
    warnings.push(
      'target-app/dist was rebuilt during the run: the rounds may compare different builds',
    );
  }

  if (opts.json) {
    const output = {
      benchmark: 'ping-overhead',
      node: process.version,
      settings: { ...opts, requestTimeoutS: REQUEST_TIMEOUT_S, host: HOST },
      pinning,
      modes: DESCRIPTION,
      rounds: rows,
      median: medians,
      ratios: { ...ratios, direction: 'ON / OFF' },
      warnings,
    };
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  } else {
    process.stdout.write(`\n${humanReport(opts, pinning, rows, medians, ratios, warnings)}\n`);
  }
  if (opts.json) for (const warning of warnings) log(`warning: ${warning}`);
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);
// Last line of defence: whatever path ends this process, no app outlives it.
process.on('exit', killAllNow);

// After a signal, onSignal owns the exit (130/143); a round cut short must not report success.
main().then(
  () => {
    if (!interrupted) process.exit(0);
  },
  async (error) => {
    if (interrupted) return;
    process.stderr.write(`ping-overhead: FAILED: ${error?.message ?? String(error)}\n`);
    currentLoad?.stop();
    await Promise.allSettled([...liveApps].map((app) => stopApp(app)));
    process.exit(1);
  },
);
