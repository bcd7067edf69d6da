/**
 * The open-model load generator: vegeta (MIT, github.com/tsenart/vegeta/v12, pinned v12.13.0).
 *
 * `vegeta attack` sends requests at a constant arrival rate whatever the server does (it starts
 * another worker goroutine, and so another connection, whenever all workers are busy), writes
 * gob-encoded results to stdout, and `vegeta encode --to json` turns them into JSON lines that are
 * parsed here as they arrive. Traffic goes to loopback addresses only.
 *
 * Result fields (lib/results.go, easyjson encoder in lib/results_easyjson.go):
 *   timestamp  RFC 3339 with nanoseconds: when the request was sent (the worker picked the tick up)
 *   latency    int64 nanoseconds from timestamp until the whole response body was read (or the error)
 *   code       HTTP status, 0 when there was no response (timeout, refused, reset)
 *   error      "" on success; the Go error text, or the status line for codes outside [200, 400)
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { RequestRecord, Role } from '../model.js';

export const VEGETA_VERSION = '12.13.0';
const VEGETA_MODULE = 'github.com/tsenart/vegeta/v12';
export const VEGETA_SETUP_HINT = `run \`npm run setup\` (it runs scripts/setup-tools.mjs) to put vegeta v${VEGETA_VERSION} into .tools/bin (needs Go >= 1.22), or put vegeta v${VEGETA_VERSION} on PATH`;

/** Hosts the load generator may target (safety rule: loopback only). */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

const MAX_RATE = 20_000;
const MAX_DURATION_S = 3_600;
const MAX_TIMEOUT_S = 600;
/** Grace period between SIGTERM and SIGKILL in stop(). */
const KILL_AFTER_MS = 2_000;
const STDERR_LINES = 20;

const execFileAsync = promisify(execFile);

export interface VegetaBinary {
  path: string;
  /** e.g. "12.13.0"; "unknown" when neither the binary nor `go version -m` tells. */
  version: string;
}

/**
 * Finds vegeta: `<repoRoot>/.tools/bin/vegeta` first, then PATH. A binary built by `go install`
 * prints an empty "Version:" (no ldflags), so its module version is read with `go version -m`.
 * A vegeta of another major version is skipped (its flags may differ).
 */
export async function findVegeta(repoRoot: string): Promise<VegetaBinary> {
  const candidates = [join(repoRoot, '.tools', 'bin', 'vegeta')];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir) candidates.push(join(dir, 'vegeta'));
  }
  const skipped: string[] = [];
  for (const path of candidates) {
    if (!isExecutable(path)) continue;
    const version = await vegetaVersion(path);
    if (version === null) {
      skipped.push(`${path} (does not run)`);
    } else if (version !== 'unknown' && !version.startsWith('12.')) {
      skipped.push(`${path} (version ${version})`);
    } else {
      return { path, version };
    }
  }
  const seen = skipped.length > 0 ? ` Skipped: ${skipped.join(', ')}.` : '';
  throw new Error(
    `vegeta not found in ${candidates[0]} or on PATH.${seen} To fix: ${VEGETA_SETUP_HINT}.`,
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function vegetaVersion(path: string): Promise<string | null> {
  let printed: string;
  try {
    const { stdout } = await execFileAsync(path, ['-version'], { timeout: 10_000 });
    printed = /^Version:[ \t]*v?(\S*)/m.exec(stdout)?.[1] ?? '';
  } catch {
    return null;
  }
  if (/^\d+\.\d+\.\d+/.test(printed)) return printed;
  try {
    const { stdout } = await execFileAsync('go', ['version', '-m', path], { timeout: 10_000 });
    for (const line of stdout.split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f[0] === 'mod' && f[1] === VEGETA_MODULE && f[2]) return f[2].replace(/^v/, '');
    }
  } catch {
    // Go not installed: the version stays unknown.
  }
  return printed || 'unknown';
}

export interface AttackOptions {
  /** Path of the vegeta binary (from findVegeta). */
  vegeta: string;
  role: Role;
  /** Target URL; the host must be 127.0.0.1, localhost or [::1]. */
  url: string;
  /** Default: POST when a body is given, else GET. */
  method?: string;
  /** Request body: a string is sent as is, anything else as JSON.stringify(body). */
  body?: unknown;
  /** Extra request headers. With a body, Content-Type defaults to application/json. */
  headers?: Record<string, string>;
  /** Requests per second (integer ≥ 1): vegeta -rate=<n>/1s. */
  ratePerS: number;
  /** Seconds of sending: vegeta -duration. In-flight requests are then awaited up to timeoutS. */
  durationS: number;
  /** Per-request client timeout, seconds. */
  timeoutS: number;
  /** Epoch ms the records' t is measured from (start of the measured phase). */
  phaseStart: number;
  /** taskset CPU list (e.g. "1" or "0-1") to pin both vegeta processes; null/undefined: not pinned. */
  cpuList?: string | null;
}

export interface Attack {
  /** Records so far, in arrival order (grows while the attack runs). */
  readonly records: RequestRecord[];
  /** Calls the listener for every record as it arrives; returns an unsubscribe function. */
  onRecord(listener: (record: RequestRecord) => void): () => void;
  /**
   * Resolves with all records when both processes have exited 0, or after stop() (with what was
   * received). Rejects with vegeta's last stderr lines when a process fails.
   */
  readonly done: Promise<RequestRecord[]>;
  /** SIGTERM to vegeta attack (it stops sending), SIGKILL to both after 2 s; resolves once both exited. */
  stop(): Promise<void>;
  /** Process ids (for diagnostics and tests). */
  readonly pids: { attack: number | undefined; encode: number | undefined };
  /** The attack command line, for logs. */
  readonly command: readonly string[];
  /** Epoch ms when vegeta attack was spawned. */
  readonly spawnedAt: number;
}

/** Requests vegeta sends in `durationS` at `ratePerS` when it keeps up (its pacer sends hit k at k/rate s, k = 1…, until the duration has passed). */
export function expectedRequests(ratePerS: number, durationS: number): number {
  return Math.ceil(ratePerS * durationS - 1e-9);
}

/**
 * Hosts besides loopback that load may go to, named explicitly (comma-separated) in
 * LOOPLAB_ALLOWED_TARGET_HOSTS: the compose stack's loadgen sets it to its own `target-app`.
 */
function allowedExtraHosts(): string[] {
  return (process.env.LOOPLAB_ALLOWED_TARGET_HOSTS ?? '')
    .split(',')
    .map((host) => host.trim())
    .filter(Boolean);
}

/** Throws unless `url` is an http(s) URL on a loopback (or explicitly allowed) host. Returns the normalised URL. */
export function assertLoopbackUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid target URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`target URL must be http(s), got ${parsed.protocol} (${url})`);
  }
  if (!LOOPBACK_HOSTS.includes(parsed.hostname) && !allowedExtraHosts().includes(parsed.hostname)) {
    throw new Error(
      `refusing to send load to ${parsed.hostname}: looplab only targets ${LOOPBACK_HOSTS.join(', ')} (${url}); ` +
        'a container network host can be allowed explicitly with LOOPLAB_ALLOWED_TARGET_HOSTS',
    );
  }
  return parsed.href;
}

/** Epoch milliseconds (sub-ms precision kept) of a Go time.Time JSON string (RFC 3339, ns). */
export function parseGoTime(value: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(value);
  if (!m) return Number.NaN;
  const whole = Date.parse(`${m[1]}${m[3]}`);
  const fraction = m[2] ? Number(`0.${m[2]}`) * 1000 : 0;
  return whole + fraction;
}

/** One line of `vegeta encode --to json` as a RequestRecord. */
export function resultToRecord(line: string, role: Role, phaseStart: number): RequestRecord {
  const r = JSON.parse(line) as {
    timestamp?: unknown;
    latency?: unknown;
    code?: unknown;
    error?: unknown;
  };
  if (
    typeof r.timestamp !== 'string' ||
    typeof r.latency !== 'number' ||
    typeof r.code !== 'number'
  ) {
    throw new Error(`unexpected vegeta result: ${line.slice(0, 200)}`);
  }
  const record: RequestRecord = {
    role,
    t: parseGoTime(r.timestamp) - phaseStart,
    latencyMs: r.latency / 1e6,
    status: r.code,
  };
  if (typeof r.error === 'string' && r.error !== '') record.error = r.error;
  return record;
}

/** Children still running, killed if this process exits without stopping them. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('close', () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) c.kill('SIGKILL');
    });
  }
}

const isRunning = (child: ChildProcess): boolean =>
  child.exitCode === null && child.signalCode === null;

function validate(options: AttackOptions): void {
  const { ratePerS, durationS, timeoutS, cpuList } = options;
  if (!Number.isInteger(ratePerS) || ratePerS < 1 || ratePerS > MAX_RATE) {
    throw new RangeError(`ratePerS must be an integer in [1, ${MAX_RATE}], got ${ratePerS}`);
  }
  if (!(durationS >= 0.001 && durationS <= MAX_DURATION_S)) {
    throw new RangeError(`durationS must be in [0.001, ${MAX_DURATION_S}], got ${durationS}`);
  }
  if (!(timeoutS >= 0.001 && timeoutS <= MAX_TIMEOUT_S)) {
    throw new RangeError(`timeoutS must be in [0.001, ${MAX_TIMEOUT_S}], got ${timeoutS}`);
  }
  if (!Number.isFinite(options.phaseStart)) {
    throw new RangeError(`phaseStart must be an epoch-ms number, got ${options.phaseStart}`);
  }
  if (cpuList != null && !/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(cpuList)) {
    throw new Error(`invalid taskset CPU list: ${JSON.stringify(cpuList)}`);
  }
}

/** The vegeta http-format targets file: request line, header lines, then @body-file. */
function targetsFile(options: AttackOptions, url: string, dir: string): string {
  const hasBody = options.body !== undefined;
  const method = (options.method ?? (hasBody ? 'POST' : 'GET')).toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new Error(`invalid HTTP method: ${options.method}`);
  const headers: Record<string, string> = { ...options.headers };
  const lines = [`${method} ${url}`];
  if (hasBody && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/json';
  }
  for (const [name, value] of Object.entries(headers)) {
    const v = value.trim();
    if (
      !/^[!$%&'*+.^_`|~0-9A-Za-z-][!#$%&'*+.^_`|~0-9A-Za-z-]*$/.test(name) ||
      v === '' ||
      /[\r\n]/.test(v)
    ) {
      throw new Error(`invalid request header: ${JSON.stringify(name)}: ${JSON.stringify(value)}`);
    }
    lines.push(`${name}: ${v}`);
  }
  if (hasBody) {
    const bodyPath = join(dir, 'body.json');
    const body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    writeFileSync(bodyPath, body);
    lines.push(`@${bodyPath}`);
  }
  const path = join(dir, 'targets.http');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * Starts `vegeta attack … | vegeta encode --to json` and parses the results live.
 * Throws synchronously on a non-loopback URL or invalid options.
 */
export function runAttack(options: AttackOptions): Attack {
  const url = assertLoopbackUrl(options.url);
  validate(options);

  const dir = mkdtempSync(join(tmpdir(), 'looplab-vegeta-'));
  let targets: string;
  try {
    targets = targetsFile(options, url, dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const attackArgs = [
    'attack',
    `-rate=${options.ratePerS}/1s`,
    `-duration=${options.durationS}s`,
    `-timeout=${options.timeoutS}s`,
    '-keepalive=true',
    '-http2=false',
    '-max-body=0',
    '-format=http',
    `-targets=${targets}`,
  ];
  const encodeArgs = ['encode', '--to', 'json'];
  const pin = (args: string[]): [string, string[]] =>
    options.cpuList != null
      ? ['taskset', ['-c', options.cpuList, options.vegeta, ...args]]
      : [options.vegeta, args];
  const [attackCmd, attackArgv] = pin(attackArgs);
  const [encodeCmd, encodeArgv] = pin(encodeArgs);

  const records: RequestRecord[] = [];
  const listeners = new Set<(record: RequestRecord) => void>();
  const stderr = { attack: [] as string[], encode: [] as string[] };
  const problems: string[] = [];
  let stopped = false;
  let killTimer: NodeJS.Timeout | undefined;

  const spawnedAt = Date.now();
  const encode = spawn(encodeCmd, encodeArgv, { stdio: ['pipe', 'pipe', 'pipe'] });
  const attack = spawn(attackCmd, attackArgv, { stdio: ['ignore', 'pipe', 'pipe'] });
  track(encode);
  track(attack);

  const keepTail = (into: string[]) => (chunk: Buffer) => {
    into.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (into.length > STDERR_LINES) into.splice(0, into.length - STDERR_LINES);
  };
  attack.stderr?.on('data', keepTail(stderr.attack));
  encode.stderr?.on('data', keepTail(stderr.encode));

  // attack's gob output -> encode's stdin. EPIPE when encode dies is reported via its exit code.
  encode.stdin?.on('error', () => {});
  attack.stdout?.on('error', () => {});
  if (attack.stdout && encode.stdin) attack.stdout.pipe(encode.stdin);

  let pending = '';
  const handleLine = (line: string) => {
    if (line.trim() === '') return;
    let record: RequestRecord;
    try {
      record = resultToRecord(line, options.role, options.phaseStart);
    } catch (error) {
      if (problems.length < 5) problems.push(`unparsable vegeta output: ${String(error)}`);
      return;
    }
    records.push(record);
    for (const listener of listeners) {
      try {
        listener(record);
      } catch (error) {
        if (problems.length < 5) problems.push(`onRecord listener threw: ${String(error)}`);
      }
    }
  };
  encode.stdout?.setEncoding('utf8');
  encode.stdout?.on('data', (chunk: string) => {
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      handleLine(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  });

  const exited = (child: ChildProcess, name: 'attack' | 'encode') =>
    new Promise<string | null>((resolve) => {
      let spawnError: Error | undefined;
      child.once('error', (error) => {
        spawnError = error;
        if (child.pid === undefined) {
          // Failed to start ('close' may not follow): the other half of the pipe cannot finish.
          encode.stdin?.end();
          for (const other of [attack, encode]) if (isRunning(other)) other.kill('SIGKILL');
          resolve(describeSpawnError(error, child.spawnfile));
        }
      });
      child.once('close', (code, signal) => {
        if (spawnError) return resolve(describeSpawnError(spawnError, child.spawnfile));
        if (code === 0) return resolve(null);
        const how = code !== null ? `exited with code ${code}` : `was killed by ${signal}`;
        const tail = stderr[name].join('\n');
        resolve(`vegeta ${name} ${how}${tail ? `:\n${tail}` : ''}`);
      });
    });

  const done = Promise.all([exited(attack, 'attack'), exited(encode, 'encode')]).then(
    ([attackError, encodeError]) => {
      if (killTimer) clearTimeout(killTimer);
      if (pending.trim() !== '') handleLine(pending);
      pending = '';
      rmSync(dir, { recursive: true, force: true });
      // After stop(), signals and a truncated stream are expected: keep what arrived.
      const failure = stopped ? null : (attackError ?? encodeError);
      if (failure) throw new Error(failure);
      if (problems.length > 0) throw new Error(problems.join('\n'));
      return records;
    },
  );
  // The caller may only ever call stop(); never let a failure become an unhandled rejection.
  done.catch(() => {});

  return {
    records,
    onRecord(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    done,
    stop() {
      if (!stopped) {
        stopped = true;
        // vegeta attack stops sending on the first SIGTERM and waits for in-flight requests;
        // encode then sees EOF and exits by itself.
        if (isRunning(attack)) attack.kill('SIGTERM');
        killTimer = setTimeout(() => {
          for (const child of [attack, encode]) if (isRunning(child)) child.kill('SIGKILL');
        }, KILL_AFTER_MS);
        killTimer.unref();
      }
      return done.then(
        () => undefined,
        () => undefined,
      );
    },
    pids: { attack: attack.pid, encode: encode.pid },
    command: [attackCmd, ...attackArgv],
    spawnedAt,
  };
}

function describeSpawnError(error: Error, file: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return file === 'taskset'
      ? 'taskset not found (util-linux): install it or run without CPU pinning'
      : `vegeta not found at ${file}: ${VEGETA_SETUP_HINT}`;
  }
  return `could not start ${file}: ${error.message}`;
}
