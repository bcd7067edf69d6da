/**
 * Every README command a newcomer types right after `npm ci`, on a fresh copy of the checkout
 * (the tracked files only: nothing built, no dist/, no venv), as written: `npm start`,
 * `npm run worker`, `npm run start:fastapi`, `npm run looplab -- ...`, `npm run dashboards`.
 * Each builds what it needs by itself. (The stack commands are run for real by
 * stack/test/compose; `npm run compare` and `npm test` by CI itself.)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../lab/src/run/services/index.js';
import { REPO_ROOT } from '../../lab/test/support/cli.js';

const MINUTE = 60_000;
let copy = '';
const started: ChildProcess[] = [];

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

/** `npm <args>` in the copy, in its own process group; its output is kept for messages. */
function npm(args: string[], env: Record<string, string> = {}) {
  const child = spawn('npm', args, { cwd: copy, env: { ...process.env, ...env }, detached: true });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  started.push(child);
  return { child, output: () => output };
}

async function untilAnswers(
  url: string,
  run: ReturnType<typeof npm>,
  timeoutMs: number,
): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (run.child.exitCode !== null)
      throw new Error(
        `exited ${run.child.exitCode} before ${url} answered:\n${run.output().slice(-3000)}`,
      );
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return response;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(
    `${url} did not answer within ${timeoutMs / 1000} s:\n${run.output().slice(-3000)}`,
  );
}

function exited(run: ReturnType<typeof npm>): Promise<number | null> {
  return new Promise((resolve) => {
    if (run.child.exitCode !== null) resolve(run.child.exitCode);
    else run.child.once('exit', (code) => resolve(code));
  });
}

function stopGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {}
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'looplab-fresh-'));
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of tracked) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    try {
      copyFileSync(join(REPO_ROOT, file), join(copy, file));
    } catch {
      // A tracked file deleted in the working tree is not part of the checkout either.
    }
  }
  // The pinned Go-built tools take minutes to build; none of these commands needs them, but
  // setup checks them: share the checkout's.
  symlinkSync(join(REPO_ROOT, '.tools'), join(copy, '.tools'));
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: copy,
    stdio: 'pipe',
    timeout: 10 * MINUTE,
  });
}, 12 * MINUTE);

afterAll(() => {
  for (const child of started) stopGroup(child);
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('right after npm ci, on a fresh checkout', () => {
  it(
    '`npm start` builds what it needs and serves the app (/readyz)',
    async () => {
      const port = await freePort();
      const run = npm(['start'], { PORT: String(port), HOST: '127.0.0.1' });
      const ready = await untilAnswers(`http://127.0.0.1:${port}/readyz`, run, 6 * MINUTE);
      expect(ready.status).toBe(200);
      stopGroup(run.child);
      await exited(run);
    },
    8 * MINUTE,
  );

  it(
    '`npm run worker` runs the queue worker against Redis (its /healthz)',
    async () => {
      const redis = await RedisServer.start();
      try {
        const port = await freePort();
        const run = npm(['run', 'worker'], {
          REDIS_URL: redis.url,
          WORKER_PORT: String(port),
          HOST: '127.0.0.1',
        });
        const healthy = await untilAnswers(`http://127.0.0.1:${port}/healthz`, run, 4 * MINUTE);
        expect(healthy.status).toBe(200);
        stopGroup(run.child);
        await exited(run);
      } finally {
        await redis.stop();
      }
    },
    6 * MINUTE,
  );

  it(
    '`npm run start:fastapi` creates its venv and serves the twin (/readyz)',
    async () => {
      const port = await freePort();
      const run = npm(['run', 'start:fastapi'], { PORT: String(port), HOST: '127.0.0.1' });
      const ready = await untilAnswers(`http://127.0.0.1:${port}/readyz`, run, 6 * MINUTE);
      expect(ready.status).toBe(200);
      stopGroup(run.child);
      await exited(run);
    },
    8 * MINUTE,
  );

  it(
    '`npm run looplab -- compare --help` builds the CLI and answers',
    async () => {
      const run = npm(['run', 'looplab', '--', 'compare', '--help']);
      expect(await exited(run), run.output()).toBe(0);
      expect(run.output()).toContain('--target-url <url>');
    },
    6 * MINUTE,
  );

  it(
    '`npm run dashboards` regenerates the committed dashboards, unchanged',
    async () => {
      const run = npm(['run', 'dashboards']);
      expect(await exited(run), run.output()).toBe(0);
      for (const file of ['event-loop-vs-latency.json', 'load.json', 'strategy-comparison.json']) {
        const path = join('dashboards', 'generated', file);
        expect(readFileSync(join(copy, path), 'utf8'), path).toBe(
          readFileSync(join(REPO_ROOT, path), 'utf8'),
        );
      }
    },
    6 * MINUTE,
  );
});
