// Running external commands from setup: quick checks synchronously, long steps with a progress line.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const OUTPUT_TAIL_LINES = 30;
const PROGRESS_EVERY_MS = 15_000;

/** Runs a short command; stdout+stderr as text, or null when it cannot run or exits non-zero. */
export function outputOf(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000, ...options });
  if (r.error || r.status !== 0) return null;
  return `${r.stdout ?? ''}${r.stderr ?? ''}`;
}

export function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Every executable called `name` on PATH, in PATH order. */
export function onPath(name, env = process.env) {
  return (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .filter(isExecutable);
}

/**
 * Runs a long command, printing "<label>: still running (N s)" every 15 s so a slow build is
 * visibly alive. Resolves with the exit code and the last lines of its output (for error messages).
 */
export function runWithProgress(label, cmd, args, options = {}) {
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk) => {
      output = `${output}${chunk}`;
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.setEncoding('utf8').on('data', keep);
    child.stderr.setEncoding('utf8').on('data', keep);
    const ticker = setInterval(() => {
      const seconds = Math.round((Date.now() - started) / 1000);
      console.log(`setup:   ${label}: still running (${seconds} s)`);
    }, PROGRESS_EVERY_MS);
    let finished = false;
    const finish = (code, error) => {
      if (finished) return;
      finished = true;
      clearInterval(ticker);
      const tail = output.trimEnd().split('\n').slice(-OUTPUT_TAIL_LINES).join('\n');
      resolvePromise({ code, output, tail: error ? `${error.message}\n${tail}` : tail });
    };
    child.on('error', (error) => finish(null, error));
    child.on('close', (code) => finish(code, null));
  });
}
