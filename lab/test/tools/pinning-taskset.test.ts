// Pinning for real with taskset (util-linux): the pure choices are in src/run/pinning.spec.ts.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import { moveMainThread, pinAllThreads, pinThisProcess } from '../../src/process/taskset.js';

describe('moveMainThread', () => {
  it('moves only the main thread of a running process', async () => {
    if (cpus().length < 2) throw new Error('needs 2 cores');
    // A node process with a worker thread, both started on CPU 1.
    const child = spawn('taskset', [
      '-c',
      '1',
      process.execPath,
      '-e',
      "new (require('node:worker_threads').Worker)('setInterval(() => {}, 1000)', { eval: true }); setInterval(() => {}, 1000)",
    ]);
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const pid = child.pid as number;
      await moveMainThread(pid, '0');
      const allowed = (tid: string) =>
        /Cpus_allowed_list:\s*(\S+)/.exec(
          readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'),
        )?.[1];
      const tids = readdirSync(`/proc/${pid}/task`);
      expect(allowed(String(pid))).toBe('0');
      const others = tids.filter((tid) => tid !== String(pid)).map(allowed);
      expect(others.length).toBeGreaterThan(0);
      expect(others.every((cpu) => cpu === '1')).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('pinThisProcess', () => {
  const allowedOf = (task: string) =>
    /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/self/task/${task}/status`, 'utf8'))?.[1];

  it.runIf(process.platform === 'linux')(
    'moves every thread of this process, then back',
    async () => {
      const before = allowedOf(String(process.pid));
      expect(before).toBeDefined();
      try {
        await pinThisProcess('0');
        const threads = readdirSync('/proc/self/task');
        expect(threads.length).toBeGreaterThan(1);
        for (const task of threads) expect(allowedOf(task)).toBe('0');
      } finally {
        await pinThisProcess(before ?? '0');
      }
      expect(allowedOf(String(process.pid))).toBe(before);
    },
  );
});

describe('pinAllThreads', () => {
  it.runIf(process.platform === 'linux')(
    'pins a process whose threads come and go while it is being pinned',
    async () => {
      if (cpus().length < 2) throw new Error('needs 2 cores');
      // Worker threads that start and exit all the time: some vanish between taskset's listing
      // of the threads and its setting of each one.
      const child = spawn(process.execPath, [
        '-e',
        "const { Worker } = require('node:worker_threads'); const churn = () => new Worker('', { eval: true }).on('exit', churn); for (let i = 0; i < 8; i++) churn(); setInterval(() => {}, 1000)",
      ]);
      try {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const pid = child.pid as number;
        for (let round = 0; round < 40; round += 1)
          await pinAllThreads(pid, round % 2 === 0 ? '0' : '1');
        const mainAllowed = /Cpus_allowed_list:\s*(\S+)/.exec(
          readFileSync(`/proc/${pid}/status`, 'utf8'),
        )?.[1];
        expect(mainAllowed).toBe('1');
      } finally {
        child.kill('SIGKILL');
      }
    },
  );

  it("fails with taskset's reason for any other error", async () => {
    await expect(pinAllThreads(process.pid, '4095')).rejects.toThrow(
      new RegExp(`taskset -a -p -c 4095 ${process.pid} failed: .*Invalid argument`),
    );
  });
});
