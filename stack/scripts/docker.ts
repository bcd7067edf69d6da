// Running the Docker CLI and Compose from the stack scripts: captured output, a time limit, and
// errors that carry the command and what it printed.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Kill the command after this long (default 10 min). */
  timeoutMs?: number;
  /** Print its output while it runs, each line prefixed (long builds stay visibly alive). */
  echo?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export class CommandError extends Error {
  readonly command: string;
  readonly result: CommandResult;

  constructor(command: string, result: CommandResult) {
    const said = `${result.stderr}${result.stdout}`.trim().split('\n').slice(-15).join('\n');
    super(`\`${command}\` exited ${result.code ?? 'on a signal'}${said ? `:\n${said}` : ''}`);
    this.name = 'CommandError';
    this.command = command;
    this.result = result;
  }
}

const MAX_KEPT = 1_000_000;

export function run(
  cmd: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  const { timeoutMs = 600_000, echo, env = process.env, cwd = REPO_ROOT } = options;
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const keep = (current: string, chunk: string) => {
      const next = current + chunk;
      return next.length > MAX_KEPT ? next.slice(-MAX_KEPT / 2) : next;
    };
    const print = (chunk: string) => {
      if (echo === undefined) return;
      for (const line of chunk.split('\n'))
        if (line.trim() !== '') process.stdout.write(`${echo}${line}\n`);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = keep(stdout, chunk);
      print(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = keep(stderr, chunk);
      print(chunk);
    });
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${Math.round(timeoutMs / 1000)} s)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolvePromise({ code: null, stdout, stderr: `${stderr}${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Runs a command and returns its stdout; a non-zero exit is a CommandError. */
export async function check(
  cmd: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  const result = await run(cmd, args, options);
  if (result.code !== 0) throw new CommandError(`${cmd} ${args.join(' ')}`, result);
  return result.stdout;
}

export const docker = (args: readonly string[], options?: RunOptions) =>
  check('docker', args, options);

/** `docker compose <args>` in the repository (its docker-compose.yml and .env). */
export const compose = (args: readonly string[], options?: RunOptions) =>
  check('docker', ['compose', ...args], options);
