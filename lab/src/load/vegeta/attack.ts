/**
 * The open-model load generator: vegeta (MIT, pinned in contract/data/versions.json).
 *
 * `vegeta attack` sends requests at a constant arrival rate whatever the server does (it starts
 * another worker goroutine, and so another connection, whenever all workers are busy), writes
 * gob-encoded results to stdout, and `vegeta encode --to json` turns them into JSON lines that are
 * parsed here as they arrive (results.ts). Traffic goes to loopback addresses only (loopback.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RequestRecord, Role } from '../../model.js';
import { pinned } from '../../process/taskset.js';
import { assertLoopbackUrl } from '../loopback.js';
import { VEGETA_SETUP_HINT } from './binary.js';
import { LineSplitter, LineTail } from './line-splitter.js';
import { resultToRecord } from './results.js';
import { readTargetFile, type TargetFormat } from './target-file.js';
import { headerLines, writeTargetsFile } from './targets.js';

const MAX_RATE = 20_000;
const MAX_DURATION_S = 3_600;
const MAX_TIMEOUT_S = 600;
/** Grace period between SIGTERM and SIGKILL in stop(). */
const KILL_AFTER_MS = 2_000;
const STDERR_LINES = 20;

/** One request, sent over and over. */
export interface SingleRequest {
  /** Target URL; the host must be 127.0.0.1, localhost or [::1] (or allowed: loopback.ts). */
  url: string;
  /** Default: POST when a body is given, else GET. */
  method?: string | undefined;
  /** Request body: a string is sent as is, anything else as JSON.stringify(body). */
  body?: unknown;
  /** Extra request headers. With a body, Content-Type defaults to application/json. */
  headers?: Record<string, string> | undefined;
}

/**
 * A vegeta target file, passed through as it is (`-format`, `-targets`; vegeta round-robins its
 * targets); its `@body` paths are read relative to its folder. Every URL in it is checked first.
 */
export interface TargetFileRequest {
  targetFile: { path: string; format: TargetFormat };
  /** Headers added to every target (vegeta -header). */
  headers?: Record<string, string> | undefined;
}

/** What an attack sends. */
export type AttackRequest = SingleRequest | TargetFileRequest;

export type AttackOptions = AttackRequest & {
  /** Path of the vegeta binary (from findVegeta). */
  vegeta: string;
  role: Role;
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
};

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

/** vegeta's targets arguments and working directory: a file written here, or the user's own. */
function targetsOf(options: AttackOptions, dir: string): { args: string[]; cwd?: string } {
  if ('targetFile' in options) {
    const { path, format } = options.targetFile;
    readTargetFile(path, format);
    const headers = headerLines(options.headers ?? {}).map((line) => `-header=${line}`);
    return { args: [`-format=${format}`, `-targets=${path}`, ...headers], cwd: dirname(path) };
  }
  const url = assertLoopbackUrl(options.url);
  return { args: ['-format=http', `-targets=${writeTargetsFile({ ...options, url }, dir)}`] };
}

/**
 * Starts `vegeta attack … | vegeta encode --to json` and parses the results live.
 * Throws synchronously on a non-loopback URL (in a target file too) or invalid options.
 */
export function runAttack(options: AttackOptions): Attack {
  if (!('targetFile' in options)) assertLoopbackUrl(options.url);
  validate(options);

  const dir = mkdtempSync(join(tmpdir(), 'looplab-vegeta-'));
  let targets: { args: string[]; cwd?: string };
  try {
    targets = targetsOf(options, dir);
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
    ...targets.args,
  ];
  const encodeArgs = ['encode', '--to', 'json'];
  const pin = (args: string[]) => pinned(options.cpuList ?? null, options.vegeta, args);
  const [attackCmd, attackArgv] = pin(attackArgs);
  const [encodeCmd, encodeArgv] = pin(encodeArgs);

  const records: RequestRecord[] = [];
  const listeners = new Set<(record: RequestRecord) => void>();
  const stderr = { attack: new LineTail(STDERR_LINES), encode: new LineTail(STDERR_LINES) };
  const problems: string[] = [];
  let stopped = false;
  let killTimer: NodeJS.Timeout | undefined;

  const spawnedAt = Date.now();
  const encode = spawn(encodeCmd, encodeArgv, { stdio: ['pipe', 'pipe', 'pipe'] });
  const attack = spawn(attackCmd, attackArgv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(targets.cwd ? { cwd: targets.cwd } : {}),
  });
  track(encode);
  track(attack);

  // Whole lines only: a line cut by a chunk boundary is joined again (LineTail).
  attack.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.attack.push(chunk));
  encode.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.encode.push(chunk));

  // attack's gob output -> encode's stdin. EPIPE when encode dies is reported via its exit code.
  encode.stdin?.on('error', () => {});
  attack.stdout?.on('error', () => {});
  if (attack.stdout && encode.stdin) attack.stdout.pipe(encode.stdin);

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
  const results = new LineSplitter(handleLine);
  encode.stdout?.setEncoding('utf8').on('data', (chunk: string) => results.push(chunk));

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
        const tail = stderr[name].lines().join('\n');
        resolve(`vegeta ${name} ${how}${tail ? `:\n${tail}` : ''}`);
      });
    });

  const done = Promise.all([exited(attack, 'attack'), exited(encode, 'encode')]).then(
    ([attackError, encodeError]) => {
      if (killTimer) clearTimeout(killTimer);
      results.end();
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
