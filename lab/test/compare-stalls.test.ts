import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawRun, Report, StrategyResult } from '../src/model.js';
import { TargetAppProcess } from '../src/run/target-app-process.js';
import type { StallFigures } from '../src/stall-model.js';
import { type CliResult, REPO_ROOT, runCli } from './support/cli.js';

/**
 * Naming the code that stalled the event loop, end to end: the real apps with their stall
 * attribution, real load, `looplab compare` fetching each phase's stalls, and the report's
 * frames. Assertions name the workload functions; shares have margins for a busy 2-core box.
 */

const SIZE_MS = 200;

interface Compared {
  run: CliResult;
  folder: string;
  report: Report;
  raw: RawRun;
}

async function compare(out: string, runId: string, args: string[]): Promise<Compared> {
  const run = await runCli(
    [
      'compare',
      '--size',
      String(SIZE_MS),
      '--out',
      out,
      '--run-id',
      runId,
      '--no-budgets',
      ...args,
    ],
    300_000,
  );
  const folder = join(out, runId);
  if (run.code !== 0) {
    console.error(run.stdout, run.stderr);
    return { run, folder, report: undefined as never, raw: undefined as never };
  }
  const read = <T>(file: string) => JSON.parse(readFileSync(join(folder, file), 'utf8')) as T;
  return { run, folder, report: read<Report>('report.json'), raw: read<RawRun>('raw.json') };
}

function stallsOf(report: Report, strategy: string): StallFigures {
  const row = report.strategies.find((result: StrategyResult) => result.strategy === strategy);
  if (!row?.stalls) throw new Error(`no stalls for ${strategy} in report.json`);
  return row.stalls;
}

const fileName = (path: string) => path.split('/').at(-1);

/** Jobs the trigger sends in a measured phase of DURATION_S (2 a second, the scenario's rate). */
const DURATION_S = 5;
const JOBS = 2 * DURATION_S;

/**
 * What another process did to the run, if anything: it held the control strategy's loop (pooled,
 * async: they never stall it themselves), or the blocking loop beyond its jobs (more stalls than
 * jobs, a class other than on_cpu, over 10 % of its stalled time waiting for a CPU). Such a run
 * charges the machine's stalls to whatever ran then, so the shares of stalled time are judged on
 * an undisturbed run: up to three runs, the first undisturbed one kept.
 */
function disturbance(compared: Compared, control: string): string | undefined {
  const held = stallsOf(compared.report, control).count;
  if (held > 0) return `${control} stalled ${held} time(s)`;
  const blocking = stallsOf(compared.report, 'blocking');
  if (blocking.count > JOBS + 2) return `blocking stalled ${blocking.count} times for ${JOBS} jobs`;
  const others = Object.keys(blocking.byClass).filter((kind) => kind !== 'on_cpu');
  if (others.length > 0) return `blocking had ${others.join(', ')} stalls`;
  const { waitedForCpuMs, stalledMs } = blocking.attribution;
  if (waitedForCpuMs > 0.1 * stalledMs)
    return `blocking's loop thread had no CPU for ${((100 * waitedForCpuMs) / stalledMs).toFixed(0)} % of its stalled time`;
  return undefined;
}

async function undisturbedRun(once: () => Promise<Compared>, control: string): Promise<Compared> {
  let compared = await once();
  for (let attempt = 2; attempt <= 3; attempt++) {
    if (compared.run.code !== 0) return compared;
    const why = disturbance(compared, control);
    if (!why) return compared;
    console.log(`${why}: a busy box (load ${loadavg()[0]?.toFixed(1)}), run ${attempt}`);
    compared = await once();
  }
  return compared;
}

describe('looplab compare names what blocked the loop (node: blocking and pooled under cpu)', () => {
  const out = mkdtempSync(join(tmpdir(), 'looplab-stalls-'));
  let node: Compared;

  beforeAll(async () => {
    node = await undisturbedRun(
      () =>
        compare(out, 'node', [
          '--strategies',
          'blocking,pooled',
          '--duration',
          String(DURATION_S),
          '--warmup',
          '1',
        ]),
      'pooled',
    );
  }, 900_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('blocking: burnCpu is the top frame with at least 80 % of the stalled time, on CPU', () => {
    expect(node.run.code, node.run.stderr).toBe(0);
    const stalls = stallsOf(node.report, 'blocking');
    console.log(
      `node blocking: ${stalls.count} stalls, ${stalls.stalledMs.toFixed(0)} ms; top: ${stalls.top
        .slice(0, 3)
        .map(
          (t) => `${t.function} ${t.selfPct.toFixed(1)} % self, ${t.sharePct.toFixed(1)} % incl.`,
        )
        .join('; ')}`,
    );
    // One stall per job (a margin for the phase's edges).
    expect(stalls.count).toBeGreaterThanOrEqual(JOBS - 4);
    expect(stalls.stalledMs).toBeGreaterThan((JOBS - 4) * SIZE_MS * 0.8);
    expect(stalls.thresholdMs).toBe(50);
    expect(stalls.byClass.on_cpu?.count).toBeGreaterThanOrEqual(JOBS - 4);
    expect(stalls.attribution).toMatchObject({ state: 'on', dropped: 0 });
    // The list's stalls are those that ended in the counters' span: a stall ending as a scrape
    // was read may fall on either side of it.
    expect(Math.abs(stalls.attribution.stalls - stalls.count)).toBeLessThanOrEqual(2);
    // The app's own code that held the loop (a busy box adds stalls of whatever ran then).
    const code = stalls.top.find((frame) => frame.file !== '');
    expect(code?.function).toBe('burnCpu');
    expect(code?.file).toMatch(/target-app\/src\/workloads\/workloads\.ts$/);
    expect(code?.line).toBeGreaterThan(0);
    const why = disturbance(node, 'pooled');
    if (why) return console.log(`shares not judged, a busy box in three runs: ${why}`);
    expect(stalls.top[0]).toEqual(code);
    expect(code?.kind).toBe('on_cpu');
    expect(code?.selfPct).toBeGreaterThanOrEqual(80);
    expect(code?.sharePct).toBeGreaterThanOrEqual(80);
    expect(node.report.verdict).toMatch(
      new RegExp(
        `What blocked the loop: blocking: \\d+ % of [\\d.]+ s stalled in \`burnCpu\` \\(workloads\\.ts:${code?.line}\\)`,
      ),
    );
  });

  it('pooled: no stall of the workload, and an empty table when the box was quiet', () => {
    const stalls = stallsOf(node.report, 'pooled');
    expect(stalls.attribution.state).toBe('on');
    const files = stalls.top.map((t) => fileName(t.file));
    expect(files).not.toContain('workloads.ts');
    const why = disturbance(node, 'pooled');
    if (why) return console.log(`not judged, a busy box in three runs: ${why}`);
    expect(stalls.top).toEqual([]);
    expect(stalls.stacks).toEqual([]);
    const markdown = readFileSync(join(node.folder, 'report.md'), 'utf8');
    expect(markdown).toContain('## What blocked the loop');
    expect(markdown).toMatch(/^\| pooled \| 0 \| 0 ms \| – \| – \| no stall over 50 ms \|/m);
  });

  it('keeps each phase’s stall list in raw.json, and the stacks as folded and speedscope files', () => {
    for (const cell of node.raw.runs) expect(cell.stalls?.status, cell.strategy).toBe('fetched');
    const folded = readFileSync(join(node.folder, 'stalls.folded'), 'utf8').trimEnd().split('\n');
    expect(folded.length).toBeGreaterThan(0);
    for (const line of folded) expect(line).toMatch(/^\S[^;]*;(on_cpu|off_cpu);.+ \d+$/);
    expect(
      folded.some((line) => /^blocking;on_cpu;.*burnCpu \(workloads\.ts:\d+\) \d+$/.test(line)),
    ).toBe(true);
    const speedscope = JSON.parse(
      readFileSync(join(node.folder, 'stalls.speedscope.json'), 'utf8'),
    ) as { profiles: Array<{ name: string; weights: number[] }> };
    expect(speedscope.profiles[0]?.name).toBe('blocking: stalled time');
    const html = readFileSync(join(node.folder, 'report.html'), 'utf8');
    expect(html).toContain('data-function="burnCpu"');
  });
});

describe('looplab compare --target fastapi names the Python workload function', () => {
  const out = mkdtempSync(join(tmpdir(), 'looplab-stalls-fastapi-'));
  let fastapi: Compared;

  beforeAll(async () => {
    // async is the control: its loop never stalls unless another process holds it.
    fastapi = await undisturbedRun(
      () =>
        compare(out, 'fastapi', [
          '--target',
          'fastapi',
          '--strategies',
          'async,blocking',
          '--duration',
          String(DURATION_S),
          '--warmup',
          '1',
        ]),
      'async',
    );
  }, 900_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('blocking: cpu_iteration holds at least 80 % of the stalled time, on CPU', () => {
    expect(fastapi.run.code, fastapi.run.stderr).toBe(0);
    const stalls = stallsOf(fastapi.report, 'blocking');
    console.log(
      `fastapi blocking: ${stalls.count} stalls; top: ${stalls.top
        .slice(0, 3)
        .map((t) => `${t.function} ${t.selfPct.toFixed(1)} %`)
        .join('; ')}`,
    );
    expect(stalls.count).toBeGreaterThanOrEqual(JOBS - 4);
    expect(stalls.attribution.state).toBe('on');
    // The app's own code that held the loop; another process can turn some of its stalls into
    // another class, so the class is judged with the shares.
    const top = stalls.top.find((frame) => frame.file !== '');
    expect(top?.function).toBe('cpu_iteration');
    expect(top?.file).toMatch(/looplab_fastapi\/workloads\.py$/);
    const why = disturbance(fastapi, 'async');
    if (why) return console.log(`shares not judged, a busy box in three runs: ${why}`);
    expect(stalls.top[0]).toEqual(top);
    expect(top?.kind).toBe('on_cpu');
    expect(top?.selfPct).toBeGreaterThanOrEqual(80);
    expect(top?.sharePct).toBeGreaterThanOrEqual(80);
  });
});

describe('looplab compare without stall attribution', () => {
  const out = mkdtempSync(join(tmpdir(), 'looplab-stalls-off-'));
  let app: TargetAppProcess | undefined;
  let proxy: Server | undefined;
  afterAll(async () => {
    if (proxy) await new Promise((resolve) => proxy?.close(resolve));
    await app?.stop();
    rmSync(out, { recursive: true, force: true });
  });

  const blockingOnly = ['--strategies', 'blocking', '--duration', '3', '--warmup', '0'];

  it('--no-attribution: the app runs with LOOPLAB_ATTRIBUTION=off, its stalls counted and listed without frames', async () => {
    const off = await compare(out, 'off', [...blockingOnly, '--no-attribution']);
    expect(off.run.code, off.run.stderr).toBe(0);
    const stalls = stallsOf(off.report, 'blocking');
    expect(stalls.count).toBeGreaterThanOrEqual(3);
    // The app itself says attribution is off: the setting reached it.
    const [cell] = off.raw.runs;
    expect(cell?.stalls?.status).toBe('fetched');
    if (cell?.stalls?.status !== 'fetched') return;
    expect(cell.stalls.answer.attribution).toBe(false);
    expect(cell.stalls.answer.stalls.every((stall) => stall.stacks.length === 0)).toBe(true);
    expect(stalls.attribution).toMatchObject({
      state: 'off',
      note: 'attribution off in the app (LOOPLAB_ATTRIBUTION=off)',
    });
    expect(stalls.top).toEqual([]);
    expect(existsSync(join(off.folder, 'stalls.folded'))).toBe(false);
    expect(readFileSync(join(off.folder, 'report.md'), 'utf8')).toMatch(
      /^\| blocking \| \d+ \| [\d.]+ s \| [\d.]+ % \| on_cpu \d+[^|]* \| attribution off in the app \(LOOPLAB_ATTRIBUTION=off\) \|/m,
    );
  });

  it('a target that answers 404 on /looplab/stalls: "no attribution from this target", never a crash', async () => {
    // The real app behind a proxy that hides its stall list, as an older build would.
    app = await TargetAppProcess.start({ repoRoot: REPO_ROOT, cpus: null, env: {} });
    const upstream = new URL(app.url);
    proxy = createServer((req, res) => {
      if (req.url?.startsWith('/looplab/stalls')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
        return;
      }
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.writeHead(502).end());
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

    const older = await compare(out, 'older', [...blockingOnly, '--target-url', url]);
    expect(older.run.code, older.run.stderr).toBe(0);
    const stalls = stallsOf(older.report, 'blocking');
    // Its metrics still count the stalls; only the frames are missing, and the report says why.
    expect(stalls.count).toBeGreaterThanOrEqual(3);
    expect(stalls.attribution).toMatchObject({
      state: 'unavailable',
      note: 'no attribution from this target: GET /looplab/stalls answered 404',
    });
    expect(stalls.top).toEqual([]);
    expect(older.report.verdict).toMatch(
      /blocking: \d+ stalls, [\d.]+ s \(no attribution from this target: GET \/looplab\/stalls answered 404\)/,
    );
    expect(readFileSync(join(older.folder, 'report.html'), 'utf8')).toContain(
      'no attribution from this target',
    );
  });
});
