import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogLine } from './support/app-process.js';

/**
 * `npm start` as a user runs it, stopped the way a process manager stops it: SIGTERM to npm's
 * pid. npm forwards the signal to its script, so the script must `exec` the server (a shell in
 * between would die and leave the server running).
 */

const REPO_ROOT = join(__dirname, '..', '..');
const LISTENING_MSG = 'looplab target app listening';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
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

const leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

describe('npm start', () => {
  it('drains and exits the server when npm gets SIGTERM', async () => {
    const port = await freePort();
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
    const listening = logs.find((line) => line.msg === LISTENING_MSG);
    const serverPid = Number(listening?.pid);
    expect(serverPid, `the "${LISTENING_MSG}" log line carries the server's pid`).toBeGreaterThan(
      0,
    );
    expect(serverPid).not.toBe(npm.pid);
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
