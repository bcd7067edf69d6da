// What stall attribution costs /ping: the built app with LOOPLAB_ATTRIBUTION=on against off,
// side by side. Each round starts both apps pinned together to CPU 0, so whatever else the
// machine does hits both alike, and drives them at the same time from CPU 1:
//   1. wrk on both at once, closed loop: both always runnable on one core, the scheduler gives
//      each about half of it; each app's CPU time per request is measured, for the whole
//      process and for its main thread (the one that limits throughput when other cores exist);
//   2. vegeta on both at once at the same constant rate (open model): client-side p50/p99.
// Rounds swap which app starts first. Medians and ranges over the rounds at the end.
// Usage: node scripts/bench-attribution.mjs [--rounds 5] [--seconds 10] [--rate 400]
//        [--interval MS]  (LOOPLAB_STALL_SAMPLE_INTERVAL_MS for the "on" app)
// Needs wrk (Debian's package) and vegeta (.tools/bin, npm run setup); Linux (taskset, /proc).
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';

const APP_ROOT = join(import.meta.dirname, '..');
const VEGETA = join(APP_ROOT, '..', '.tools', 'bin', 'vegeta');
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '400' },
    interval: { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const run = promisify(execFile);

async function startApp(attribution) {
  const env = {
    PATH: process.env.PATH,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    LOOPLAB_ATTRIBUTION: attribution,
    ...(values.interval ? { LOOPLAB_STALL_SAMPLE_INTERVAL_MS: values.interval } : {}),
  };
  const child = spawn(
    'taskset',
    ['-c', '0', process.execPath, '--import', './dist/telemetry/register.js', 'dist/main.js'],
    { cwd: APP_ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let buffered = '';
  child.stdout.setEncoding('utf8');
  for await (const chunk of child.stdout) {
    buffered += chunk;
    const port = /"port":(\d+)/.exec(buffered)?.[1];
    if (port) {
      child.stdout.resume();
      return { attribution, child, url: `http://127.0.0.1:${port}/ping` };
    }
  }
  throw new Error(`app exited before listening:\n${buffered}`);
}

/** CPU seconds used (utime + stime) by the whole process, and by its main thread alone. */
function cpuSeconds(pid) {
  const read = (path) => {
    const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  return { process: read(`/proc/${pid}/stat`), main: read(`/proc/${pid}/task/${pid}/stat`) };
}

async function vegeta(url, durationS) {
  const attack = spawn('taskset', [
    '-c',
    '1',
    VEGETA,
    'attack',
    `-rate=${rate}`,
    `-duration=${durationS}s`,
  ]);
  attack.stdin.end(`GET ${url}\n`);
  const report = spawn(VEGETA, ['report', '-type=json']);
  attack.stdout.pipe(report.stdin);
  let out = '';
  report.stdout.setEncoding('utf8').on('data', (chunk) => {
    out += chunk;
  });
  await once(report, 'exit');
  const parsed = JSON.parse(out);
  return {
    requests: parsed.requests,
    success: parsed.success,
    p50Ms: parsed.latencies['50th'] / 1e6,
    p99Ms: parsed.latencies['99th'] / 1e6,
  };
}

async function wrk(url, durationS) {
  const { stdout } = await run('taskset', [
    '-c',
    '1',
    'wrk',
    '-t1',
    '-c16',
    `-d${durationS}s`,
    '--latency',
    url,
  ]);
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(stdout);
  const scale = { us: 0.001, ms: 1, s: 1000 }[p99?.[2] ?? 'ms'];
  return {
    requests: Number(/(\d+) requests in/.exec(stdout)?.[1]),
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]),
    wrkP99Ms: Number(p99?.[1]) * scale,
  };
}

async function stop(app) {
  app.child.kill('SIGTERM');
  await once(app.child, 'exit');
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const range = (xs, digits = 2) =>
  `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

const rows = [];
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
  const apps = [];
  for (const attribution of order) apps.push(await startApp(attribution));
  try {
    await Promise.all(apps.map((app) => wrk(app.url, 3))); // warm-up: JIT, first collection
    const before = apps.map((app) => cpuSeconds(app.child.pid));
    const closed = await Promise.all(apps.map((app) => wrk(app.url, seconds)));
    const cpu = apps.map((app, i) => {
      const after = cpuSeconds(app.child.pid);
      return { process: after.process - before[i].process, main: after.main - before[i].main };
    });
    const open = await Promise.all(apps.map((app) => vegeta(app.url, seconds)));
    const row = { round };
    apps.forEach((app, i) => {
      row[app.attribution] = {
        ...closed[i],
        cpuUs: (cpu[i].process * 1e6) / closed[i].requests,
        mainCpuUs: (cpu[i].main * 1e6) / closed[i].requests,
        ...open[i],
      };
    });
    rows.push(row);
    console.log(
      `round ${round + 1}: ` +
        ['on', 'off']
          .map(
            (side) =>
              `${side} ${row[side].rps.toFixed(0)} req/s, ${row[side].cpuUs.toFixed(1)} µs CPU/req (main thread ${row[side].mainCpuUs.toFixed(1)}), wrk p99 ${row[side].wrkP99Ms.toFixed(2)} ms, ${rate}/s p50 ${row[side].p50Ms.toFixed(2)} p99 ${row[side].p99Ms.toFixed(2)} ms`,
          )
          .join(' | '),
    );
  } finally {
    await Promise.all(apps.map(stop));
  }
}

const pick = (side, key) => rows.map((row) => row[side][key]);
const per = (key, f) => rows.map((row) => f(row.on[key], row.off[key]));
const line = (label, key, unit, digits = 2) =>
  `  ${label.padEnd(16)} on ${median(pick('on', key)).toFixed(digits)} ${unit} (${range(pick('on', key), digits)}), off ${median(pick('off', key)).toFixed(digits)} ${unit} (${range(pick('off', key), digits)})`;
const throughput = per('rps', (on, off) => on / off);
const cpuRatio = per('cpuUs', (on, off) => off / on);
const mainRatio = per('mainCpuUs', (on, off) => off / on);
const p99Delta = per('p99Ms', (on, off) => on - off);
console.log(
  [
    `\n${rounds} rounds of ${seconds} s; medians (range over rounds):`,
    line('throughput', 'rps', 'req/s', 0),
    `  ${'on/off'.padEnd(16)} ${median(throughput).toFixed(3)}× (${range(throughput, 3)}) per round`,
    line('CPU per request', 'cpuUs', 'µs', 1),
    `  ${'off/on CPU'.padEnd(16)} ${median(cpuRatio).toFixed(3)}× (${range(cpuRatio, 3)}) per round`,
    line('main thread CPU', 'mainCpuUs', 'µs', 1),
    `  ${'off/on main'.padEnd(16)} ${median(mainRatio).toFixed(3)}× (${range(mainRatio, 3)}) per round: the capacity ratio where the profiler's own thread has another core`,
    line('wrk p99', 'wrkP99Ms', 'ms'),
    line(`${rate}/s p50`, 'p50Ms', 'ms'),
    line(`${rate}/s p99`, 'p99Ms', 'ms'),
    `  ${'p99 on − off'.padEnd(16)} ${median(p99Delta).toFixed(2)} ms (${range(p99Delta)}) per round`,
  ].join('\n'),
);
