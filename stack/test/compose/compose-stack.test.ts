/**
 * The compose stack, run for real: `npm run stack:up` as the README gives it (pinned images where
 * they can be had, local stand-ins where not), the README's load command, then checks from
 * outside the containers, and `docker compose down -v`. It runs as its own compose project on
 * free ports, so a stack the user has up is left alone. Grafana and Tempo (AGPL) are never built
 * or run on machines that cannot pull them: their checks run where their images are present, and
 * otherwise the summary says which did not run and why.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandResult, docker, REPO_ROOT, run } from '../../scripts/docker.ts';
import { readPins } from '../../scripts/pins.ts';
import { localImage } from '../../scripts/standins.ts';
import { parseDotEnv } from '../helpers/compose-env.js';
import { describeOutcome, runDashboardQueries } from '../support/dashboard-queries.js';
import {
  freePort,
  instant,
  output,
  PROJECT,
  prom,
  readmeLoadCommand,
  shell,
  stackEnv,
  total,
  waitFor,
} from './support.ts';

const MINUTE = 60_000;
const compose = (args: string, env: Record<string, string>, timeoutMs = 5 * MINUTE) =>
  shell(`docker compose ${args}`, env, timeoutMs);

/** Container ids of the test project, by service. */
async function containers(): Promise<Map<string, string>> {
  const out = await docker([
    'ps',
    '--filter',
    `label=com.docker.compose.project=${PROJECT}`,
    '--format',
    '{{.ID}} {{.Label "com.docker.compose.service"}}',
  ]);
  return new Map(
    out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [id = '', service = ''] = line.split(' ');
        return [service, id];
      }),
  );
}

const notRun: string[] = [];

describe('npm run stack:up refuses a port that is taken', () => {
  it(
    'names the port and the .env variable that moves it, and starts nothing',
    async () => {
      const env = await stackEnv();
      const { createServer } = await import('node:net');
      const blocker = createServer();
      const port = await freePort();
      await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
      try {
        await compose('--profile load down --volumes --remove-orphans', env);
        const result = await shell(
          'npm run stack:up',
          { ...env, PROMETHEUS_PORT: String(port) },
          60 * MINUTE,
        );
        expect(result.code, output(result)).toBe(1);
        expect(result.stderr).toContain(`port 127.0.0.1:${port} (prometheus) is taken`);
        expect(result.stderr).toContain(`PROMETHEUS_PORT=`);
        expect([...(await containers()).keys()]).toEqual([]);
      } finally {
        blocker.close();
      }
    },
    60 * MINUTE,
  );
});

describe('the compose stack, brought up by npm run stack:up', () => {
  let env: Record<string, string>;
  let up: CommandResult;
  let promUrl = '';
  let appUrl = '';
  /** Services whose images this machine has (pulled, present, or a stand-in). */
  const had = new Set<string>();

  beforeAll(async () => {
    env = await stackEnv();
    await compose('--profile load down --volumes --remove-orphans', env);
    const started = Date.now();
    up = await shell('npm run stack:up', env, 60 * MINUTE);
    console.log(
      `npm run stack:up: exit ${up.code} after ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    promUrl = `http://127.0.0.1:${env.PROMETHEUS_PORT}`;
    appUrl = `http://127.0.0.1:${env.APP_PORT}`;
    for (const pin of readPins().images)
      if ((await localImage(pin.ref)).kind !== 'absent') had.add(pin.ref);
  }, 60 * MINUTE);

  afterAll(async () => {
    if (notRun.length > 0)
      console.log(`checks that did not run:\n${notRun.map((line) => `  - ${line}`).join('\n')}`);
    await compose('--profile load down --volumes --remove-orphans', env);
  }, 5 * MINUTE);

  it('starts every service whose images can be had and names each one left out with its reason', async () => {
    expect(up.code, output(up)).toBe(0);
    const model = JSON.parse((await compose('config --format json', env)).stdout) as {
      services: Record<string, { image?: string; build?: { args?: Record<string, string> } }>;
    };
    const running = await containers();
    for (const [name, service] of Object.entries(model.services)) {
      const needs = service.build ? Object.values(service.build.args ?? {}) : [service.image ?? ''];
      const pinned = needs.filter((ref) => readPins().images.some((p) => p.ref === ref));
      if (pinned.every((ref) => had.has(ref)))
        expect(running.has(name), `${name} should run`).toBe(true);
      else {
        expect(running.has(name), `${name} should be left out`).toBe(false);
        expect(up.stdout, `stack:up names ${name} as left out`).toMatch(
          new RegExp(`\\n\\s+${name}\\s+\\S+ cannot be pulled`),
        );
      }
    }
    for (const pin of readPins().images.filter((p) => p.standin === null && !had.has(p.ref))) {
      expect(up.stdout).toContain(`${pin.ref} cannot be pulled`);
      expect(up.stdout).toContain(`${pin.licence}: looplab never builds or runs it`);
    }
  });

  it('has Prometheus scrape every running service: the apps, the worker and the collector are up', async () => {
    const running = new Set((await containers()).keys());
    const targets = await waitFor(
      'every target of a running service to be scraped',
      2 * MINUTE,
      async () => {
        const data = await prom<{
          activeTargets: Array<{
            labels: Record<string, string>;
            scrapeUrl: string;
            health: string;
            lastError: string;
          }>;
        }>(promUrl, '/api/v1/targets', { state: 'active' });
        const ofRunning = data.activeTargets.filter((t) =>
          running.has(
            new URL(t.scrapeUrl).hostname === 'localhost'
              ? 'prometheus'
              : new URL(t.scrapeUrl).hostname,
          ),
        );
        return ofRunning.every((t) => t.health === 'up') ? ofRunning : undefined;
      },
    );
    const hosts = targets.map((t) => new URL(t.scrapeUrl).hostname);
    expect(hosts).toEqual(
      expect.arrayContaining(['target-app', 'worker', 'target-fastapi', 'otel-collector']),
    );
  });

  describe("the README's load command", () => {
    const runId = `stacktest-${Date.now()}`;
    let load: CommandResult;
    let runStart = 0;
    let runEnd = 0;
    let spansBefore = 0;
    const acceptedSpans = `sum({__name__=~"otelcol_receiver_accepted_spans(_total)?"})`;

    beforeAll(async () => {
      spansBefore = await total(promUrl, acceptedSpans);
      runStart = Date.now() / 1000;
      // The README's command as written. The test names the run, keeps each measure phase longer
      // than the 10 s max-lag window the dashboards skip at its start, and leaves out the
      // scenario's thresholds (they gate the local runner's numbers, not a CPU-capped container's).
      load = await shell(
        `mkdir -p reports && ${readmeLoadCommand()} --duration 14 --warmup 1 --no-budgets --testid ${runId} --run-id ${runId}`,
        env,
        20 * MINUTE,
      );
      runEnd = Date.now() / 1000;
    }, 25 * MINUTE);

    afterAll(() => rmSync(join(REPO_ROOT, 'reports', runId), { recursive: true, force: true }));

    it('finishes, and its report folder lands in ./reports, readable and owned by the invoking user', () => {
      expect(load.code, output(load)).toBe(0);
      const folder = join(REPO_ROOT, 'reports', runId);
      const files = readdirSync(folder);
      expect(files).toEqual(
        expect.arrayContaining([
          'report.html',
          'report.md',
          'report.json',
          'raw.json',
          'samples.csv',
        ]),
      );
      for (const file of files) {
        const stat = statSync(join(folder, file));
        expect(stat.uid, `${file} owner`).toBe(process.getuid?.());
        expect(readFileSync(join(folder, file)).length, file).toBeGreaterThan(0);
      }
      const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as {
        rows?: unknown[];
      };
      expect(JSON.stringify(report)).toContain('"blocking"');
    });

    it('leaves its looplab_client_* series, with its testid, in Prometheus', async () => {
      const series = await instant(
        promUrl,
        `count by (strategy, role) (last_over_time(looplab_client_requests_total{testid="${runId}"}[30m]))`,
      );
      const strategies = new Set(series.map((s) => s.metric.strategy));
      expect(strategies).toContain('blocking');
      expect(new Set(series.map((s) => s.metric.role))).toEqual(new Set(['probe', 'trigger']));
    });

    it('gives data to every dashboard query (the generated JSON) from the compose Prometheus', async () => {
      const { files, outcomes } = await runDashboardQueries({
        promUrl,
        runtime: 'node',
        testid: runId,
        runStart,
        runEnd,
        instance: 'target-app:3000',
      });
      expect(files.length).toBeGreaterThanOrEqual(3);
      console.log(
        `compose Prometheus: ${outcomes.filter((o) => o.series > 0).length} of ${outcomes.length} dashboard queries returned data`,
      );
      expect(outcomes.filter((o) => o.error).map(describeOutcome), 'queries that failed').toEqual(
        [],
      );
      expect(
        outcomes.filter((o) => o.series === 0).map(describeOutcome),
        'queries without data',
      ).toEqual([]);
    });

    it("gets the apps' spans to the collector (its accepted-spans counter grows)", async () => {
      const after = await waitFor(
        "the collector to count the run's spans",
        2 * MINUTE,
        async () => {
          const now = await total(promUrl, acceptedSpans);
          return now > spansBefore ? now : undefined;
        },
      );
      expect(after).toBeGreaterThan(spansBefore);
    });

    it('lets Grafana list the dashboards and run every panel query, and Tempo find an exemplar trace (where their images are here)', async () => {
      const grafana = readPins().images.find((p) => p.variable === 'GRAFANA_IMAGE');
      const tempo = readPins().images.find((p) => p.variable === 'TEMPO_IMAGE');
      if (!grafana || !had.has(grafana.ref)) {
        notRun.push(
          `Grafana lists the three provisioned dashboards and runs every panel query through its datasource proxy: ${grafana?.ref} cannot be pulled here and is AGPL (never built or run here)`,
        );
      } else {
        const base = `http://127.0.0.1:${env.GRAFANA_PORT}`;
        const found = (await (await fetch(`${base}/api/search?type=dash-db`)).json()) as Array<{
          uid: string;
        }>;
        const generated = readdirSync(join(REPO_ROOT, 'dashboards', 'generated')).filter((f) =>
          f.endsWith('.json'),
        );
        expect(found.length).toBe(generated.length);
        const { outcomes } = await runDashboardQueries({
          promUrl: `${base}/api/datasources/proxy/uid/prometheus`,
          runtime: 'node',
          testid: runId,
          runStart,
          runEnd,
          instance: 'target-app:3000',
        });
        expect(outcomes.filter((o) => o.error || o.series === 0).map(describeOutcome)).toEqual([]);
      }
      if (!tempo || !had.has(tempo.ref)) {
        notRun.push(
          `an exemplar's trace id is found in Tempo: ${tempo?.ref} cannot be pulled here and is AGPL (never built or run here)`,
        );
      } else {
        const exemplars = await prom<
          Array<{ exemplars: Array<{ labels: Record<string, string> }> }>
        >(promUrl, '/api/v1/query_exemplars', {
          query: 'http_server_request_duration_seconds_bucket',
          start: String(runStart),
          end: String(runEnd),
        });
        const traceId = exemplars
          .flatMap((e) => e.exemplars)
          .map((e) => e.labels.trace_id ?? e.labels.traceID)
          .find(Boolean);
        expect(traceId, 'an exemplar with a trace id').toBeDefined();
        const response = await waitFor('Tempo to have the trace', 2 * MINUTE, async () => {
          const r = await fetch(`http://127.0.0.1:${env.TEMPO_PORT}/api/traces/${traceId}`);
          return r.ok ? r : undefined;
        });
        expect(response.status).toBe(200);
      }
    });
  });

  it('refuses, before any load, to run as a user that cannot write ./reports, naming the fix', async () => {
    // ./reports belongs to the invoking user, mode 755: uid 65534 may not write there.
    const command = readmeLoadCommand().replace(
      /--user "\$\(id -u\):\$\(id -g\)"/,
      '--user 65534:65534',
    );
    expect(command).toContain('--user 65534:65534');
    const started = Date.now();
    const result = await shell(
      `mkdir -p reports && chmod 755 reports && ${command} --testid refused`,
      env,
      5 * MINUTE,
    );
    expect(result.code, output(result)).not.toBe(0);
    expect(output(result)).toMatch(
      /cannot write reports under \/app\/reports \(EACCES, running as uid 65534\)/,
    );
    expect(output(result)).toContain('--user "$(id -u):$(id -g)"');
    expect(output(result)).not.toContain('warm-up');
    expect((Date.now() - started) / 1000).toBeLessThan(120);
  });

  it("passes every service's health check, and each image's own HEALTHCHECK when run in its container", async () => {
    const running = await containers();
    for (const [service, id] of running) {
      const health = (
        await docker([
          'inspect',
          '--format',
          '{{if .State.Health}}{{.State.Health.Status}}{{end}}',
          id,
        ])
      ).trim();
      if (health !== '') expect(health, `${service} health`).toBe('healthy');
    }
    // The images' own checks (compose may override them): run them as Docker would.
    for (const service of ['target-app', 'target-fastapi']) {
      const id = running.get(service);
      expect(id, `${service} is running`).toBeDefined();
      const image = (
        await docker(['inspect', '--format', '{{.Config.Image}}', id as string])
      ).trim();
      const check = JSON.parse(
        await docker(['image', 'inspect', '--format', '{{json .Config.Healthcheck}}', image]),
      ) as { Test: string[] } | null;
      expect(check?.Test[0], `${image} has a HEALTHCHECK`).toBe('CMD');
      const result = await run('docker', ['exec', id as string, ...(check?.Test.slice(1) ?? [])]);
      expect(result.code, `${image} HEALTHCHECK: ${output(result)}`).toBe(0);
    }
  });

  it('runs every service as a non-root user', async () => {
    for (const [service, id] of await containers()) {
      // docker top runs ps on the host for the container's processes (it needs the pid column).
      const processes = (await docker(['top', id, '-o', 'pid,uid,comm']))
        .trim()
        .split('\n')
        .slice(1);
      expect(processes.length, `${service} has processes`).toBeGreaterThan(0);
      for (const line of processes)
        expect(line.trim().split(/\s+/)[1], `${service}: ${line}`).not.toBe('0');
    }
  });

  it(
    'finishes every queue job accepted before `docker compose restart worker`',
    async () => {
      const ids: string[] = [];
      for (let i = 0; i < 6; i += 1) {
        const response = await fetch(`${appUrl}/background/queue`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ workload: 'sleep', ms: 1000 }),
        });
        expect(response.status).toBe(202);
        ids.push(((await response.json()) as { id: string }).id);
      }
      const restart = await compose('restart worker', env);
      expect(restart.code, output(restart)).toBe(0);
      const statuses = await waitFor(
        'every queue job to finish after the restart',
        3 * MINUTE,
        async () => {
          const all = await Promise.all(
            ids.map(
              async (id) =>
                ((await (await fetch(`${appUrl}/tasks/${id}`)).json()) as { status: string })
                  .status,
            ),
          );
          return all.every((status) => status === 'done' || status === 'failed') ? all : undefined;
        },
      );
      expect(statuses).toEqual(ids.map(() => 'done'));
    },
    5 * MINUTE,
  );

  it(
    'drains the queued tasks of `docker compose stop target-app` within its grace period: accepted = done + failed + abandoned',
    async () => {
      let accepted = 0;
      for (let i = 0; i < 6; i += 1) {
        const response = await fetch(`${appUrl}/background/pooled`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ workload: 'sleep', ms: 1000 }),
        });
        if (response.status === 202) accepted += 1;
      }
      expect(accepted, 'six tasks queued on a pool of one').toBe(6);
      const started = Date.now();
      const stop = await compose('stop target-app', env, 2 * MINUTE);
      const seconds = (Date.now() - started) / 1000;
      expect(stop.code, output(stop)).toBe(0);
      const dotEnv = Object.fromEntries(
        parseDotEnv(readFileSync(join(REPO_ROOT, '.env'), 'utf8')).map((e) => [e.name, e.value]),
      );
      const graceS = Number.parseInt(dotEnv.APP_STOP_GRACE_PERIOD ?? '', 10);
      expect(seconds, 'stopped within the grace period').toBeLessThan(graceS);
      const logs = (await compose('logs --no-color --no-log-prefix target-app', env)).stdout;
      const drained = logs
        .split('\n')
        .filter((line) => line.includes('"msg":"drain '))
        .map(
          (line) =>
            JSON.parse(line) as {
              pending_at_start: number;
              finished: number;
              abandoned: number;
              timed_out: boolean;
              tasks: Record<string, number>;
            },
        )
        .pop();
      expect(drained, `a drain line in the logs:\n${logs.slice(-2000)}`).toBeDefined();
      const { pending_at_start, finished, abandoned, timed_out, tasks } = drained as NonNullable<
        typeof drained
      >;
      expect(timed_out).toBe(false);
      expect(pending_at_start, 'our tasks were still queued or running at SIGTERM').toBeGreaterThan(
        0,
      );
      expect(finished + abandoned).toBe(pending_at_start);
      // Over the app's life (the load run's tasks too): every accepted task is accounted for.
      expect(tasks.accepted).toBe(
        (tasks.done ?? 0) + (tasks.failed ?? 0) + (tasks.abandoned ?? 0) + (tasks.handedOff ?? 0),
      );
      expect(tasks.accepted).toBeGreaterThanOrEqual(accepted);
    },
    5 * MINUTE,
  );

  it('leaves nothing behind after `docker compose down -v`', async () => {
    const down = await compose('--profile load down --volumes --remove-orphans', env);
    expect(down.code, output(down)).toBe(0);
    const label = `label=com.docker.compose.project=${PROJECT}`;
    expect((await docker(['ps', '--all', '--quiet', '--filter', label])).trim()).toBe('');
    expect((await docker(['volume', 'ls', '--quiet', '--filter', label])).trim()).toBe('');
    expect((await docker(['network', 'ls', '--quiet', '--filter', label])).trim()).toBe('');
  });
});
