import { describe, expect, it } from 'vitest';
import {
  BURN_CPU,
  blockingStalls,
  frame,
  JOB_PATH,
  stack,
  stall,
} from '../../../test/fixtures/sample-stalls.js';
import { foldStalls, MAX_STACKS, NO_SAMPLES, OTHER_STACKS, stallsEndingIn } from './fold.js';
import { frameOrigin } from './frame-origin.js';
import { topFrames } from './top-frames.js';

const names = (frames: ReadonlyArray<{ function: string }>) => frames.map((f) => f.function);

describe('folding stalls into stacks', () => {
  it('adds up each distinct stack over the stalls, class and thread included, heaviest first', () => {
    const folded = foldStalls(blockingStalls(2));
    expect(folded.map((s) => [names(s.frames).at(-1), s.weightMs])).toEqual([
      ['burnCpu', 380],
      ['now', 12],
      ['(garbage collector)', 8],
      ['runMicrotasks', 4],
    ]);
    expect(folded[0]).toMatchObject({ kind: 'on_cpu', thread: 'main' });
    // The column is left out: a function is one frame wherever in it the sample fell.
    expect(folded[0]?.frames.at(-1)).toEqual({
      function: 'burnCpu',
      file: BURN_CPU.file,
      line: 44,
    });
  });

  it('weights each stall by its duration, shared among its stacks by their sampled time', () => {
    // The sampler saw 80 ms of a 100 ms stall: it still counts for 100 ms.
    const folded = foldStalls([
      stall(1000, 100, [stack(60, [...JOB_PATH, BURN_CPU]), stack(20, [frame('(program)')])]),
      stall(2000, 50, []),
    ]);
    expect(folded.map((s) => [names(s.frames).at(-1), s.weightMs])).toEqual([
      ['burnCpu', 75],
      [NO_SAMPLES, 50],
      ['(program)', 25],
    ]);
  });

  it('keeps a GIL wait apart: the holding thread, its frames, and the time no thread ran', () => {
    const pool = 'ThreadPoolExecutor-0_0';
    const folded = foldStalls([
      stall(
        1000,
        120,
        [
          stack(
            100,
            [
              frame('Thread._bootstrap', '/usr/lib/python3.11/threading.py', 1002),
              frame('_worker', '/usr/lib/python3.11/concurrent/futures/thread.py', 83),
              frame('cpu_iteration', '/srv/app/looplab_fastapi/workloads.py', 54),
            ],
            pool,
          ),
          stack(20, [], '(unattributed)'),
        ],
        'gil_wait',
      ),
    ]);
    expect(folded.map((s) => [s.kind, s.thread, names(s.frames).at(-1), s.weightMs])).toEqual([
      ['gil_wait', pool, 'cpu_iteration', 100],
      ['gil_wait', '(unattributed)', '(unattributed)', 20],
    ]);
  });

  it(`keeps the ${MAX_STACKS} heaviest stacks and merges the rest, per class`, () => {
    const many = Array.from({ length: MAX_STACKS + 5 }, (_, i) =>
      stack(1000 - i, [frame(`f${i}`, '/srv/app.ts', i + 1)]),
    );
    const folded = foldStalls([
      stall(
        1000,
        many.reduce((sum, s) => sum + s.weightMs, 0),
        many,
      ),
    ]);
    expect(folded).toHaveLength(MAX_STACKS + 1);
    const other = folded.find((s) => s.frames[0]?.function === OTHER_STACKS);
    // f200..f204 weigh 800, 799, ... 796.
    expect(other?.weightMs).toBeCloseTo(800 + 799 + 798 + 797 + 796, 6);
    const total = folded.reduce((sum, s) => sum + s.weightMs, 0);
    expect(total).toBeCloseTo(
      many.reduce((sum, s) => sum + s.weightMs, 0),
      6,
    );
  });

  it('windows stalls by their end, in ms since the phase began: the counters count them there', () => {
    const start = 1_764_690_000_000;
    const stalls = [stall(start + 500, 200, []), stall(start + 1500, 200, [])];
    const ends = (from: number, to: number) =>
      stallsEndingIn(stalls, start, from, to).map((s) => s.endMs - start);
    expect(ends(0, 2000)).toEqual([500, 1500]);
    expect(ends(500, 2000)).toEqual([1500]);
    expect(ends(0, 1499)).toEqual([500]);
  });
});

describe('top frames', () => {
  it('blames each stack on its innermost frame of the app, with inclusive and self shares', () => {
    // 2 stalls of 202 ms: burnCpu 380 + 12 (under it, performance.now is the runtime's), GC 8,
    // a request in fastify with no frame of the app under it 4; of 404 ms.
    const top = topFrames(foldStalls(blockingStalls(2)));
    expect(top.map((t) => [t.function, t.kind])).toEqual([
      ['burnCpu', 'on_cpu'],
      ['(garbage collector)', 'on_cpu'],
      ['onRequest', 'on_cpu'],
    ]);
    const [burn, gc, request] = top;
    expect(burn?.selfPct).toBeCloseTo((100 * 392) / 404, 9);
    expect(burn?.sharePct).toBeCloseTo((100 * 392) / 404, 9);
    expect(burn).toMatchObject({ file: BURN_CPU.file, line: 44 });
    expect(gc?.selfPct).toBeCloseTo((100 * 8) / 404, 9);
    // Blamed on the library frame: no frame of the app's is on that stack.
    expect(request?.selfPct).toBeCloseTo((100 * 4) / 404, 9);
    expect(request?.file).toBe('/app/node_modules/fastify/lib/route.js');
  });

  it('lists callers by self share only, and counts a recursive frame once per stack', () => {
    const recurse = frame('walk', '/srv/app/tree.ts', 10);
    const top = topFrames(
      foldStalls([
        stall(1000, 100, [
          stack(60, [...JOB_PATH, recurse, recurse, recurse]),
          stack(40, [...JOB_PATH, frame('sleepFor', '/srv/app/workloads.ts', 69)]),
        ]),
      ]),
    );
    expect(top.map((t) => [t.function, t.selfPct, t.sharePct])).toEqual([
      ['walk', 60, 60],
      ['sleepFor', 40, 40],
    ]);
    // runWorkload held every stack (inclusive 100 %) but nothing was blamed on it: not a top frame.
    expect(top.some((t) => t.function === 'runWorkload')).toBe(false);
  });

  it('is one frame per function of a Python stack, named by its heaviest line; Node’s lines are functions', () => {
    const at = (line: number) => frame('cpu_iteration', '/srv/app/workloads.py', line);
    const python = foldStalls([stall(1000, 100, [stack(90, [at(54)]), stack(10, [at(51)])])]);
    expect(topFrames(python, 'running')).toEqual([
      expect.objectContaining({ function: 'cpu_iteration', line: 54, selfPct: 100, sharePct: 100 }),
    ]);
    // Two anonymous functions of one file: two frames.
    const anonymous = (line: number) => frame('(anonymous)', '/srv/app/queue.ts', line);
    const node = foldStalls([
      stall(1000, 100, [stack(60, [anonymous(69)]), stack(40, [anonymous(25)])]),
    ]);
    expect(topFrames(node, 'function').map((t) => [t.line, t.selfPct])).toEqual([
      [69, 60],
      [25, 40],
    ]);
  });

  it('names a frame once per class, and nothing when there is no stalled time', () => {
    const job = [...JOB_PATH, frame('sleepFor', '/srv/app/workloads.ts', 69)];
    const top = topFrames(
      foldStalls([
        stall(1000, 300, [stack(300, job)], 'off_cpu'),
        stall(2000, 100, [stack(100, job)], 'on_cpu'),
      ]),
    );
    expect(top.map((t) => [t.function, t.kind, t.selfPct])).toEqual([
      ['sleepFor', 'off_cpu', 75],
      ['sleepFor', 'on_cpu', 25],
    ]);
    expect(topFrames([])).toEqual([]);
  });
});

describe('what a Python stack is blamed on: what the loop ran, not the program around it', () => {
  const APP = '/srv/app/looplab_fastapi';
  const LIB = '/usr/lib/python3.11';
  const SITE = '/srv/.venv/lib/python3.11/site-packages';
  const program = [
    frame('serve', `${APP}/server.py`, 128),
    frame('Runner.run', `${LIB}/asyncio/runners.py`, 118),
    frame('BaseEventLoop._run_once', `${LIB}/asyncio/base_events.py`, 1922),
  ];
  const callback = [...program, frame('Handle._run', `${LIB}/asyncio/events.py`, 80)];
  const blamed = (frames: ReturnType<typeof frame>[]) =>
    topFrames(foldStalls([stall(1000, 100, [stack(100, frames, 'MainThread')], 'off_cpu')]))[0]
      ?.function;

  it('a callback: its innermost frame of the app, then of a library', () => {
    expect(
      blamed([
        ...callback,
        frame('Route.handle', `${SITE}/starlette/routing.py`, 289),
        frame('run_workload', `${APP}/workloads.py`, 104),
        frame('sleep_iteration', `${APP}/workloads.py`, 60),
      ]),
    ).toBe('sleep_iteration');
    expect(
      blamed([...callback, frame('RequestResponseCycle.run_asgi', `${SITE}/uvicorn/h.py`, 422)]),
    ).toBe('RequestResponseCycle.run_asgi');
  });

  it('between callbacks: where the loop waited (the selector), not the program’s main', () => {
    expect(blamed([...program, frame('select', `${LIB}/selectors.py`, 468)])).toBe('select');
  });
});

describe('whose code a frame is', () => {
  it.each([
    ['/srv/app/src/workloads.ts', 'app'],
    ['/srv/app/dist/main.js', 'app'],
    ['/srv/app/looplab_fastapi/workloads.py', 'app'],
    ['/srv/app/node_modules/fastify/lib/route.js', 'library'],
    ['/srv/.venv/lib/python3.11/site-packages/starlette/routing.py', 'library'],
    ['/usr/lib/python3/dist-packages/yaml/__init__.py', 'library'],
    ['node:internal/timers', 'runtime'],
    ['node:child_process', 'runtime'],
    ['<frozen runpy>', 'runtime'],
    ['/usr/lib/python3.11/asyncio/base_events.py', 'runtime'],
    ['', 'runtime'],
  ])('%s is %s', (file, origin) => {
    expect(frameOrigin({ function: 'f', file, line: 1 })).toBe(origin);
  });
});
