// What stall attribution costs /ping: the built app with LOOPLAB_ATTRIBUTION=on against off,
// side by side. Each round starts both apps, pinned to CPU 0 together, and drives /ping on both
// at the same constant rate at the same time from CPU 1 (vegeta, open model), so whatever else
// the machine is doing hits both alike. Per app: its CPU time per request (all threads; the
// capacity it leaves: throughput at saturation is its inverse) and the client-side p50/p99.
// Rounds swap which app is started first. Then a closed-loop wrk run per app, alternating, for
// throughput at saturation (noisier on a shared machine).
// Usage: node scripts/bench-attribution.mjs [--rounds 5] [--seconds 15] [--rate 1500]
//        [--interval MS]  (LOOPLAB_STALL_SAMPLE_INTERVAL_MS for the "on" app)
// Needs vegeta (.tools/bin, npm run setup) and wrk (Debian's package); Linux (taskset, /proc).
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
    seconds: { type: 'string', default: '15' },
    rate: { type: 'string', default: '1500' },
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

/** CPU seconds the whole app process (every thread) has used: /proc/<pid>/stat utime + stime. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
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

async function wrkRps(url) {
  const { stdout } = await run('taskset', ['-c', '1', 'wrk', '-t1', '-c16', '-d8s', url]);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
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
    await Promise.all(apps.map((app) => vegeta(app.url, 3))); // warm-up
    const before = apps.map((app) => cpuSeconds(app.child.pid));
    const results = await Promise.all(apps.map((app) => vegeta(app.url, seconds)));
    const row = { round };
    apps.forEach((app, i) => {
      const cpuUs = ((cpuSeconds(app.child.pid) - before[i]) * 1e6) / results[i].requests;
      row[app.attribution] = { ...results[i], cpuUs };
    });
    for (const app of [...apps].sort(() => (round % 2 ? 1 : -1))) {
      row[app.attribution].rps = await wrkRps(app.url);
    }
    rows.push(row);
    console.log(
      `round ${round + 1}: ` +
        ['on', 'off']
          .map(
            (side) =>
              `${side} ${row[side].cpuUs.toFixed(1)} µs CPU/req, p50 ${row[side].p50Ms.toFixed(2)} p99 ${row[side].p99Ms.toFixed(2)} ms, wrk ${row[side].rps.toFixed(0)} req/s`,
          )
          .join(' | '),
    );
  } finally {
    await Promise.all(apps.map(stop));
  }
}

const pick = (side, key) => rows.map((row) => row[side][key]);
const capacity = rows.map((row) => row.off.cpuUs / row.on.cpuUs);
const rps = rows.map((row) => row.on.rps / row.off.rps);
const p99Delta = rows.map((row) => row.on.p99Ms - row.off.p99Ms);
console.log(
  `\n${rounds} rounds, /ping at ${rate}/s on each app at once, ${seconds} s; medians (range):\n` +
    `  CPU per request   on ${median(pick('on', 'cpuUs')).toFixed(1)} µs (${range(pick('on', 'cpuUs'), 1)}), off ${median(pick('off', 'cpuUs')).toFixed(1)} µs (${range(pick('off', 'cpuUs'), 1)})\n` +
    `  capacity on/off   ${median(capacity).toFixed(3)}× (${range(capacity, 3)})  [off CPU/req ÷ on CPU/req, per round]\n` +
    `  p99               on ${median(pick('on', 'p99Ms')).toFixed(2)} ms (${range(pick('on', 'p99Ms'))}), off ${median(pick('off', 'p99Ms')).toFixed(2)} ms (${range(pick('off', 'p99Ms'))}); on − off ${median(p99Delta).toFixed(2)} ms (${range(p99Delta)})\n` +
    `  wrk throughput    on/off ${median(rps).toFixed(3)}× (${range(rps, 3)}), alternating, closed loop`,
);
