/**
 * Static checks of what the compose stack adds around the target apps: the versions in .env
 * agree with the contract (contract/data/versions.json), every runtime of the contract has its
 * compose service and its Prometheus job (named after the runtime, which the dashboards'
 * `target` variable relies on), Redis and the queue worker are wired the same way on both
 * sides, and the images carry what they need (the contract, the lock file). No Docker needed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_DEFAULTS, RUNTIMES, type Runtime, strategiesOf, VERSIONS } from '@looplab/contract';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { interpolate, parseDotEnv } from './helpers/compose-env.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Service {
  image?: string;
  build?: { dockerfile?: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition: string }>;
  security_opt?: string[];
  restart?: string;
  profiles?: string[];
  ports?: string[];
}

const env = Object.fromEntries(parseDotEnv(read('.env')).map((e) => [e.name, e.value]));
const composeText = read('docker-compose.yml');
const compose = interpolate(
  parseYaml(composeText, { merge: true }) as { services: Record<string, Service> },
  { ...env, GRAFANA_ADMIN_PASSWORD: 'a-test-password' },
);
const services = compose.services;
const promConfig = parseYaml(read('stack/prometheus/prometheus.yml')) as {
  scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
};

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}
const targetsOf = (job: string): string[] =>
  promConfig.scrape_configs
    .find((config) => config.job_name === job)
    ?.static_configs.flatMap((config) => config.targets) ?? [];

/** The compose service of each runtime's app (the folder named in strategies.json). */
const APP_SERVICE: Record<Runtime, string> = { node: 'target-app', fastapi: 'target-fastapi' };

/** Where .env and versions.json disagree: one line per image or version. */
function versionMismatches(
  values: Record<string, string | undefined>,
  versions: typeof VERSIONS,
): string[] {
  const expected: Array<[string, string]> = [
    ...Object.entries(versions.images).map(([name, pin]): [string, string] => [name, pin.ref]),
    ['VEGETA_VERSION', versions.vegeta.version],
  ];
  const unpinned = Object.keys(values)
    .filter((name) => name.endsWith('_IMAGE') && !(name in versions.images))
    .map((name) => `.env ${name} is not pinned in versions.json "images"`);
  return [
    ...expected
      .filter(([name, want]) => values[name] !== want)
      .map(([name, want]) => `.env ${name}=${values[name] ?? ''}, versions.json wants ${want}`),
    ...unpinned,
  ];
}

describe('.env and contract/data/versions.json', () => {
  it('agree on every image and tool version both pin', () => {
    expect(versionMismatches(env, VERSIONS)).toEqual([]);
  });

  it('and the check names a disagreement', () => {
    expect(
      versionMismatches(
        { ...env, REDIS_IMAGE: 'redis:7.2.0', NODE_IMAGE: 'node:22-slim', EXTRA_IMAGE: 'x:1' },
        VERSIONS,
      ),
    ).toEqual([
      `.env NODE_IMAGE=node:22-slim, versions.json wants ${VERSIONS.images.NODE_IMAGE.ref}`,
      `.env REDIS_IMAGE=redis:7.2.0, versions.json wants ${VERSIONS.images.REDIS_IMAGE.ref}`,
      '.env EXTRA_IMAGE is not pinned in versions.json "images"',
    ]);
  });

  it("pin the versions the rest of the repo pins: Node, Python, Prometheus, Redis (Debian's 7.0)", () => {
    expect(VERSIONS.images.NODE_IMAGE.ref).toMatch(new RegExp(`^node:${VERSIONS.node}-bookworm`));
    expect(VERSIONS.images.PYTHON_IMAGE.ref).toMatch(
      new RegExp(`^python:${VERSIONS.python}\\.\\d+-slim-bookworm$`),
    );
    expect(VERSIONS.images.PROMETHEUS_IMAGE.ref).toBe(
      `prom/prometheus:v${VERSIONS.prometheus.version}`,
    );
    expect(VERSIONS.images.REDIS_IMAGE.ref).toMatch(/^redis:7\.0\.\d+-bookworm$/);
    expect(VERSIONS.images.OTEL_COLLECTOR_IMAGE.ref).toBe(
      `otel/opentelemetry-collector-contrib:${VERSIONS.standins.otelCollector.version}`,
    );
    expect(VERSIONS.images.GO_IMAGE.ref).toBe(
      `golang:${/go(\d+\.\d+\.\d+)/.exec(VERSIONS.standins.goToolchain.version)?.[1]}`,
    );
  });

  it('are the images compose runs', () => {
    expect(service('prometheus').image).toBe(VERSIONS.images.PROMETHEUS_IMAGE.ref);
    expect(service('redis').image).toBe(VERSIONS.images.REDIS_IMAGE.ref);
    expect(service('target-app').build?.args?.NODE_IMAGE).toBe(env.NODE_IMAGE);
    expect(service('target-fastapi').build?.args?.PYTHON_IMAGE).toBe(env.PYTHON_IMAGE);
  });
});

describe('docker-compose.yml shared settings', () => {
  it('defines them once as x- blocks and merges them into the services', () => {
    const anchors = [...composeText.matchAll(/^(x-[a-z-]+): &([a-z-]+)/gm)].map((m) => m[2]);
    expect(anchors.length).toBeGreaterThanOrEqual(4);
    for (const anchor of anchors) {
      expect(composeText, `anchor ${anchor} is never used`).toContain(`*${anchor}`);
    }
  });

  it('hardens every service and restarts every long-running one', () => {
    for (const [name, svc] of Object.entries(services)) {
      expect(svc.security_opt, name).toContain('no-new-privileges:true');
      if (!svc.profiles) expect(svc.restart, name).toBe('unless-stopped');
    }
  });
});

describe('the target apps', () => {
  it('has one compose service and one Prometheus job per runtime, named after it', () => {
    for (const runtime of RUNTIMES) {
      const svc = service(APP_SERVICE[runtime]);
      const port = svc.environment?.PORT;
      expect(port, runtime).toBe('3000');
      expect(targetsOf(runtime)[0], `job ${runtime}`).toBe(`${APP_SERVICE[runtime]}:${port}`);
      expect(JSON.stringify(svc.healthcheck?.test), runtime).toContain(`127.0.0.1:${port}/healthz`);
      expect(svc.environment?.OTEL_EXPORTER_OTLP_ENDPOINT, runtime).toBe(
        'http://otel-collector:4318',
      );
    }
    expect(service('loadgen').environment?.LOOPLAB_ALLOWED_TARGET_HOSTS?.split(',')).toEqual(
      RUNTIMES.map((r) => APP_SERVICE[r]),
    );
  });

  it("offers the dashboards' target variable exactly the app jobs", () => {
    const appJobs = promConfig.scrape_configs
      .map((config) => config.job_name)
      .filter((job) => (RUNTIMES as string[]).includes(job));
    expect(appJobs).toEqual(RUNTIMES);
    const dashboard = JSON.parse(read('dashboards/generated/event-loop-vs-latency.json')) as {
      templating: { list: { name: string; options?: { value: string }[] }[] };
    };
    const target = dashboard.templating.list.find((v) => v.name === 'target');
    expect(target?.options?.map((o) => o.value)).toEqual(appJobs);
  });

  it('builds the FastAPI twin from its lock file, as a non-root user, with the contract data', () => {
    expect(service('target-fastapi').build?.dockerfile).toBe('target-fastapi/Dockerfile');
    const dockerfile = read('target-fastapi/Dockerfile');
    expect(existsSync(join(ROOT, 'target-fastapi/requirements.lock'))).toBe(true);
    expect(dockerfile).toContain('COPY target-fastapi/requirements.lock');
    expect(dockerfile).toMatch(/pip install --require-hashes --no-deps/);
    expect(dockerfile).toContain('COPY contract/data /app/contract/data');
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toContain('CMD ["python", "-m", "looplab_fastapi"]');
    expect(existsSync(join(ROOT, 'target-fastapi/looplab_fastapi/__main__.py'))).toBe(true);
  });

  it('builds the Node image with the contract package it imports', () => {
    const dockerfile = read('target-app/Dockerfile');
    for (const line of [
      'COPY contract/package.json contract/package.json',
      'RUN npm run build --workspace contract',
      'COPY --from=build /app/contract/dist /app/contract/dist',
      'COPY contract/data /app/contract/data',
    ]) {
      expect(dockerfile).toContain(line);
    }
  });
});

describe('the load generator image', () => {
  it('carries the data files the CLI reads at run time: contract, scenarios, budgets, schemas', () => {
    const dockerfile = read('stack/loadgen/Dockerfile');
    for (const file of ['load/scenarios.json', 'looplab.budgets.json', 'lab/schema']) {
      expect(existsSync(join(ROOT, file)), file).toBe(true);
      expect(dockerfile).toContain(`COPY ${file} /app/${file}`);
    }
    expect(dockerfile).toContain('COPY contract/data /app/contract/data');
    expect(dockerfile).toContain('COPY --from=build /app/contract/dist /app/contract/dist');
  });
});

describe('Redis and the queue worker', () => {
  const queueStrategies = strategiesOf('node').filter((s) => s.needs.includes('redis'));

  it('exist because a strategy of the contract needs Redis', () => {
    expect(queueStrategies.map((s) => s.name)).toEqual(['queue']);
  });

  it('runs a pinned Redis with the append-only file on a named volume, health-checked', () => {
    const redis = service('redis');
    const command = redis.command ?? [];
    expect(command[0]).toBe('redis-server');
    expect(
      command.slice(command.indexOf('--appendonly'), command.indexOf('--appendonly') + 2),
    ).toEqual(['--appendonly', 'yes']);
    expect(redis.volumes).toContain('redis-data:/data');
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('gives the app and the worker the same REDIS_URL, and both wait for Redis to be healthy', () => {
    for (const name of ['target-app', 'worker']) {
      const svc = service(name);
      expect(svc.environment?.REDIS_URL, name).toBe('redis://redis:6379');
      expect(svc.depends_on?.redis?.condition, name).toBe('service_healthy');
    }
  });

  it('runs the worker from the Node image as `npm run worker` does, scraped by job node on its WORKER_PORT', () => {
    const worker = service('worker');
    expect(worker.build?.dockerfile).toBe('target-app/Dockerfile');
    expect(worker.image).toBe(service('target-app').image);
    // The same command as the `worker` npm script of target-app, with the image's node.
    const script = (
      JSON.parse(read('target-app/package.json')) as { scripts: Record<string, string> }
    ).scripts.worker;
    expect(script).toContain(`exec ${(worker.command ?? []).join(' ')}`);
    expect(worker.command?.at(-1)).toBe('dist/worker/main.js');
    expect(existsSync(join(ROOT, 'target-app/src/worker/main.ts'))).toBe(true);
    const port = worker.environment?.WORKER_PORT;
    expect(Number(port)).toBe(APP_DEFAULTS.WORKER_PORT);
    expect(targetsOf('node')).toContain(`worker:${port}`);
    expect(JSON.stringify(worker.healthcheck?.test)).toContain(`127.0.0.1:${port}/healthz`);
  });
});
