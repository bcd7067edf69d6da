import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  choosePinning,
  moveMainThread,
  pinAllThreads,
  pinned,
  pinThisProcess,
  placementOf,
} from './pinning.js';

describe('choosePinning', () => {
  it('pins nothing on one core, even with taskset', () => {
    expect(choosePinning(1, true)).toEqual({ app: null, load: null });
  });

  it('pins nothing without taskset, whatever the core count', () => {
    for (let cores = 1; cores <= 8; cores++) {
      expect(choosePinning(cores, false)).toEqual({ app: null, load: null });
    }
  });

  it('gives the load generator the last core and the app every other one', () => {
    expect(choosePinning(2, true)).toEqual({ app: '0', load: '1' });
    expect(choosePinning(3, true)).toEqual({ app: '0-1', load: '2' });
    expect(choosePinning(4, true)).toEqual({ app: '0-2', load: '3' });
    expect(choosePinning(5, true)).toEqual({ app: '0-3', load: '4' });
    expect(choosePinning(6, true)).toEqual({ app: '0-4', load: '5' });
    expect(choosePinning(7, true)).toEqual({ app: '0-5', load: '6' });
    expect(choosePinning(8, true)).toEqual({ app: '0-6', load: '7' });
  });

  it('never puts the app and the load generator on the same core', () => {
    for (let cores = 2; cores <= 8; cores++) {
      const { app, load } = choosePinning(cores, true);
      const [from, to = from] = (app ?? '').split('-').map(Number);
      expect(Number(load)).toBe(cores - 1);
      expect(from).toBe(0);
      expect(to).toBe(cores - 2);
    }
  });

  it('uses this machine by default and returns a valid pair', () => {
    const { app, load } = choosePinning();
    expect(app === null).toBe(load === null);
    if (load !== null) expect(load).toMatch(/^\d+$/);
  });
});

describe('pinned', () => {
  it('leaves the command alone without a CPU list', () => {
    expect(pinned(null, 'node', ['dist/main.js', '--flag'])).toEqual([
      'node',
      ['dist/main.js', '--flag'],
    ]);
  });

  it('prefixes the command with taskset -c <cpus>', () => {
    expect(pinned('0-2', 'node', ['dist/main.js'])).toEqual([
      'taskset',
      ['-c', '0-2', 'node', 'dist/main.js'],
    ]);
    expect(pinned('3', '/usr/local/bin/vegeta', [])).toEqual([
      'taskset',
      ['-c', '3', '/usr/local/bin/vegeta'],
    ]);
  });

  it('does not change the arguments array it was given', () => {
    const args = ['a', 'b'];
    pinned('0', 'cmd', args);
    expect(args).toEqual(['a', 'b']);
  });
});

describe('placementOf: the event loop alone, everything off-loop with the load generator', () => {
  it('on 2 cores: the main thread on 0, the rest on 1', () => {
    expect(placementOf(choosePinning(2, true))).toEqual({
      mainThread: '0',
      offLoop: '1',
      load: '1',
    });
  });

  it('on more cores: the main thread on 0, the other app cores and the load core off-loop', () => {
    expect(placementOf(choosePinning(3, true))).toEqual({
      mainThread: '0',
      offLoop: '1,2',
      load: '2',
    });
    expect(placementOf(choosePinning(4, true))).toEqual({
      mainThread: '0',
      offLoop: '1-2,3',
      load: '3',
    });
  });

  it('places nothing when nothing is pinned', () => {
    expect(placementOf({ app: null, load: null })).toEqual({
      mainThread: null,
      offLoop: null,
      load: null,
    });
  });
});

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
