import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './target.js';

/** Schemathesis from the project's locked virtual environment (target-fastapi/requirements-dev.lock). */
export const SCHEMATHESIS = join(REPO_ROOT, 'target-fastapi', '.venv', 'bin', 'schemathesis');
const HOOKS_DIR = join(REPO_ROOT, 'test', 'contract', 'fuzz');

export interface FuzzOptions {
  /** The OpenAPI document's URL; operations are called on its origin. */
  schemaUrl: string;
  checks: readonly string[];
  phases: readonly string[];
  /** Cases per operation in the fuzzing phase (coverage and stateful come on top). */
  maxExamples: number;
  /** Kill the run after this long (its output so far is kept). */
  timeoutMs: number;
}

export interface FuzzRun {
  exitCode: number | null;
  /** Schemathesis's own console output (stdout + stderr). */
  output: string;
  /** Test cases sent per operation ("METHOD /path"), all phases together. */
  casesPerOperation: Map<string, number>;
  statefulScenarios: number;
  /** Test cases with a failed check, per check name. */
  failuresPerCheck: Map<string, number>;
}

/** Runs `schemathesis run` against a live app and reads its event stream for the counts. */
export async function runSchemathesis(options: FuzzOptions): Promise<FuzzRun> {
  if (!existsSync(SCHEMATHESIS)) {
    throw new Error(
      `${SCHEMATHESIS} is missing: run \`node scripts/setup/python.mjs\` (it installs the locked dev dependencies into target-fastapi/.venv)`,
    );
  }
  // Its working files (report, hypothesis database) go to a temporary folder, not the repository.
  const workDir = await mkdtemp(join(tmpdir(), 'looplab-fuzz-'));
  const events = join(workDir, 'events.ndjson');
  try {
    const args = [
      'run',
      options.schemaUrl,
      '--checks',
      options.checks.join(','),
      '--phases',
      options.phases.join(','),
      '--max-examples',
      String(options.maxExamples),
      // One worker: Python 3.11's ast module is not thread-safe, and hypothesis calls it.
      '--workers',
      '1',
      '--request-timeout',
      '10',
      '--generation-database',
      'none',
      '--no-color',
      '--report',
      'ndjson',
      '--report-ndjson-path',
      events,
    ];
    const { exitCode, output } = await run(SCHEMATHESIS, args, workDir, options.timeoutMs);
    const counts = existsSync(events) ? await countEvents(events) : emptyCounts();
    return { exitCode, output, ...counts };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function run(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PYTHONPATH: HOOKS_DIR,
        PYTHONDONTWRITEBYTECODE: '1',
        SCHEMATHESIS_HOOKS: 'looplab_fuzz_hooks',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    const timer = setTimeout(() => {
      output += `\n[killed after ${timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, output });
    });
  });
}

type Counts = Omit<FuzzRun, 'exitCode' | 'output'>;

function emptyCounts(): Counts {
  return { casesPerOperation: new Map(), statefulScenarios: 0, failuresPerCheck: new Map() };
}

interface ScenarioFinished {
  phase: string;
  recorder: {
    label: string;
    cases?: Record<string, { value: { method: string; path: string } }>;
    checks?: Record<string, Array<{ name: string; status: string }>>;
  };
}

/** Counts from schemathesis's NDJSON event stream (one ScenarioFinished per scenario). */
async function countEvents(path: string): Promise<Counts> {
  const counts = emptyCounts();
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.startsWith('{"ScenarioFinished"')) continue;
    const { ScenarioFinished: scenario } = JSON.parse(line) as {
      ScenarioFinished: ScenarioFinished;
    };
    if (scenario.phase === 'stateful') counts.statefulScenarios++;
    for (const { value } of Object.values(scenario.recorder.cases ?? {})) {
      const operation = `${value.method} ${value.path}`;
      counts.casesPerOperation.set(operation, (counts.casesPerOperation.get(operation) ?? 0) + 1);
    }
    for (const checks of Object.values(scenario.recorder.checks ?? {})) {
      for (const check of checks) {
        if (check.status !== 'failure') continue;
        counts.failuresPerCheck.set(check.name, (counts.failuresPerCheck.get(check.name) ?? 0) + 1);
      }
    }
  }
  return counts;
}
