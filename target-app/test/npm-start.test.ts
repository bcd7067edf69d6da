import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freeLoopbackPort } from '@looplab/lab/src/process/free-port.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogLine } from './support/app-process.js';

/**
 * `npm start` as a user runs it, stopped the way a process manager stops it: SIGTERM to npm's
 * pid. npm forwards the signal to its script, so the script must `exec` the server (a shell in
 * between would die and leave the server running).
 */

const REPO_ROOT = join(__dirname, '..', '..');
const SERVER_ENTRY = 'dist/main.js';

/** Parent pid of every process (Linux /proc); a process that exits while being read is skipped. */
function parentPids(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      // Field 4 of /proc/<pid>/stat, after the command name in parentheses (which may hold spaces).
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone already.
    }
  }
  return parents;
}

/** Every pid below `root` in the process tree. */
function descendants(root: number): number[] {
  const parents = parentPids();
  const isBelow = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) {
      if (p === root) return true;
    }
    return false;
  };
  return [...parents.keys()].filter(isBelow);
}

/** The pids below `root` whose command line has `arg` as one of its arguments. */
function descendantsRunning(root: number, arg: string): number[] {
  return descendants(root).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(arg);
    } catch {
      return false;
    }
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: () => string,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await Promise.resolve(check()).catch(() => false))) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** npm and its server; whatever of their process trees is still there after a test is killed. */
const leftovers: number[] = [];
afterEach(() => {
  const pids = leftovers.splice(0).flatMap((pid) => [pid, ...descendants(pid)]);
  for (const pid of new Set(pids)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

describe('npm start', () => {
  it('drains and exits the server when npm gets SIGTERM', async () => {
    const port = await freeLoopbackPort();
    const npm = spawn('npm', ['start'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const npmExited = once(npm, 'exit');
    const outputClosed = once(npm, 'close');
    leftovers.push(npm.pid as number);
    const logs: LogLine[] = [];
    let output = '';
    let partial = '';
    npm.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('{')) logs.push(JSON.parse(line) as LogLine);
      }
    });
    npm.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });

    await until(
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok,
      60_000,
      () => `/readyz on port ${port}; npm's output:\n${output}`,
    );
    // Found before the signal: a server left behind by a dying shell is no longer below npm.
    const servers = descendantsRunning(npm.pid as number, SERVER_ENTRY);
    expect(servers, `one node ${SERVER_ENTRY} below npm (pid ${npm.pid})`).toHaveLength(1);
    const serverPid = servers[0] as number;
    leftovers.push(serverPid);

    npm.kill('SIGTERM');
    await npmExited;
    await until(
      () => !alive(serverPid),
      10_000,
      () => `server process ${serverPid} to exit`,
    );
    await outputClosed;
    expect(
      logs.map((line) => line.msg),
      output,
    ).toContainEqual(expect.stringMatching(/^drain (complete|timed out)/));
  });
});
