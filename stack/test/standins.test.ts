/**
 * The stand-in images and the stack scripts, without starting anything: every pinned image with
 * a stand-in has its recipe, the collector stand-in carries exactly the components the stack's
 * collector config uses (checked on the built binary), and `stack:up` plans services, ports and
 * errors as it says. The real run is stack/test/compose/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSIONS } from '@looplab/contract';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type ComposeService, modelFrom } from '../scripts/compose-model.ts';
import { REPO_ROOT } from '../scripts/docker.ts';
import type { ImageOutcome } from '../scripts/images.ts';
import { readPins } from '../scripts/pins.ts';
import { planServices } from '../scripts/plan.ts';
import { portVariables } from '../scripts/ports.ts';
import { recipeHash, STANDIN_NAMES, STANDINS_DIR } from '../scripts/standins.ts';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const COLLECTOR = join(REPO_ROOT, '.tools', 'bin', 'otelcol-contrib');

describe('the stand-in recipes', () => {
  it('exist for every pinned image that names one, and only Grafana and Tempo (AGPL) have none', () => {
    const pins = readPins().images;
    for (const pin of pins.filter((p) => p.standin !== null)) {
      expect(STANDIN_NAMES, pin.ref).toContain(pin.standin);
      expect(existsSync(join(STANDINS_DIR, pin.standin as string, 'Dockerfile')), pin.ref).toBe(
        true,
      );
    }
    expect(pins.filter((p) => p.standin === null).map((p) => p.variable)).toEqual([
      'GRAFANA_IMAGE',
      'TEMPO_IMAGE',
    ]);
    for (const pin of pins.filter((p) => p.standin === null)) expect(pin.licence).toMatch(/^AGPL/);
    expect(
      readdirSync(STANDINS_DIR)
        .filter((f) => f !== 'README.md')
        .sort(),
    ).toEqual([...STANDIN_NAMES].sort());
  });

  it('build from the stand-in base and never from a registry image', () => {
    for (const name of STANDIN_NAMES) {
      const froms = [
        ...readFileSync(join(STANDINS_DIR, name, 'Dockerfile'), 'utf8').matchAll(/^FROM\s+(\S+)/gm),
      ].map((m) => m[1]);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile build-arg reference, not JS
      expect(froms, name).toEqual([name === 'base' ? 'scratch' : '${BASE}']);
    }
  });

  it('have a recipe hash that is stable and differs between recipes (a changed recipe rebuilds)', () => {
    const hashes = STANDIN_NAMES.map((name) => recipeHash(name));
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(STANDIN_NAMES.map((name) => recipeHash(name))).toEqual(hashes);
    const pins = readPins();
    const otherNpm = { ...pins, standins: { ...pins.standins, npm: '0.0.1' } };
    expect(recipeHash('node', otherNpm)).not.toBe(recipeHash('node', pins));
    expect(recipeHash('python', otherNpm)).toBe(recipeHash('python', pins));
  });
});

describe('the OpenTelemetry Collector stand-in', () => {
  const manifest = parse(read('stack/standins/otel-collector/builder.yaml')) as {
    dist: { version: string };
    [kind: string]: unknown;
  };
  const config = parse(read('stack/otel-collector/config.yaml')) as Record<
    string,
    Record<string, unknown> | undefined
  >;
  const kinds = ['receivers', 'processors', 'exporters', 'extensions'] as const;
  const used = (kind: (typeof kinds)[number]) =>
    Object.keys(config[kind] ?? {}).map((id) => id.split('/')[0] as string);

  function builtComponents(): Record<string, Array<{ name: string; module: string }>> {
    if (!existsSync(COLLECTOR))
      throw new Error(`${COLLECTOR} is missing. To fix: run \`npm run setup\``);
    const r = spawnSync(COLLECTOR, ['components'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return parse(r.stdout) as Record<string, Array<{ name: string; module: string }>>;
  }

  it('is built at the release of the pinned contrib image, every module at that release', () => {
    const version = VERSIONS.standins.otelCollector.version;
    expect(VERSIONS.images.OTEL_COLLECTOR_IMAGE.ref).toBe(
      `otel/opentelemetry-collector-contrib:${version}`,
    );
    expect(manifest.dist.version).toBe(version);
    for (const kind of kinds) {
      for (const entry of (manifest[kind] as Array<{ gomod: string }> | undefined) ?? []) {
        expect(entry.gomod, kind).toMatch(new RegExp(` v${version.replace(/\./g, '\\.')}$`));
      }
    }
    const r = spawnSync(COLLECTOR, ['--version'], { encoding: 'utf8' });
    expect(r.stdout).toContain(`version ${version}`);
  });

  it('has exactly the components stack/otel-collector/config.yaml uses, and validates that config', () => {
    const built = builtComponents();
    for (const kind of kinds) {
      expect((built[kind] ?? []).map((c) => c.name).sort(), kind).toEqual(
        [...new Set(used(kind))].sort(),
      );
    }
    const r = spawnSync(
      COLLECTOR,
      ['validate', '--config', join(REPO_ROOT, 'stack', 'otel-collector', 'config.yaml')],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  });
});

const svc = (name: string, extra: Partial<ComposeService> = {}): ComposeService => ({
  name,
  image: `${name}:1`,
  needs: [`${name}:1`],
  built: false,
  ports: [],
  profiles: [],
  dependsOn: [],
  healthcheck: true,
  ...extra,
});
const pin = (ref: string) => ({ variable: 'X_IMAGE', ref, standin: null, licence: 'AGPL-3.0' });
const had = (ref: string): ImageOutcome => ({ pin: pin(ref), had: true, how: 'present' });
const missing = (ref: string): ImageOutcome => ({
  pin: pin(ref),
  had: false,
  reason: 'cannot be pulled (offline)',
});

describe('npm run stack:up plans', () => {
  it('leaves out a service whose image is missing, and every service that depends on it', () => {
    const services = [
      svc('tempo'),
      svc('grafana', { dependsOn: ['tempo', 'prometheus'] }),
      svc('prometheus'),
      svc('viewer', { dependsOn: ['grafana'] }),
      svc('loadgen', { profiles: ['load'], dependsOn: ['prometheus'] }),
    ];
    const plan = planServices(services, [
      missing('tempo:1'),
      had('grafana:1'),
      had('prometheus:1'),
      had('viewer:1'),
      had('loadgen:1'),
    ]);
    expect(plan.start.map((s) => s.name)).toEqual(['prometheus']);
    expect(plan.onDemand.map((s) => s.name)).toEqual(['loadgen']);
    expect(plan.leftOut).toEqual([
      { service: 'tempo', reason: 'tempo:1 cannot be pulled (offline)' },
      { service: 'grafana', reason: 'depends on tempo, which is left out' },
      { service: 'viewer', reason: 'depends on grafana, which is left out' },
    ]);
  });

  it("reads a built service's needs from its build's base images", () => {
    const model = modelFrom(
      JSON.stringify({
        name: 'p',
        services: {
          app: {
            image: 'app:local',
            build: { args: { NODE_IMAGE: 'node:1', OTHER: 'x' } },
            ports: [{ host_ip: '127.0.0.1', published: '8080', target: 3000 }],
          },
          db: { image: 'redis:7', depends_on: { app: {} }, healthcheck: { test: ['CMD', 'true'] } },
        },
      }),
      ['node:1', 'redis:7'],
    );
    expect(model.services).toEqual([
      {
        name: 'app',
        image: 'app:local',
        needs: ['node:1'],
        built: true,
        ports: [{ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 3000 }],
        profiles: [],
        dependsOn: [],
        healthcheck: false,
      },
      {
        name: 'db',
        image: 'redis:7',
        needs: ['redis:7'],
        built: false,
        ports: [],
        profiles: [],
        dependsOn: ['app'],
        healthcheck: true,
      },
    ]);
  });

  it('knows which .env variable moves each published port', () => {
    const variables = portVariables(read('docker-compose.yml'));
    expect(variables.get('target-app:3000')).toBe('APP_PORT');
    expect(variables.get('prometheus:9090')).toBe('PROMETHEUS_PORT');
    expect(variables.get('otel-collector:4318')).toBe('OTLP_HTTP_PORT');
  });
});

describe('npm run setup -- --for stack', () => {
  it('names the fix when the Docker Engine it is pointed at does not answer (and starts nothing)', () => {
    const r = spawnSync(process.execPath, ['scripts/setup-tools.mjs', '--for', 'stack'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('DOCKER_HOST');
    expect(r.stderr).toContain('to fix: start that engine, or unset DOCKER_HOST');
  });
});
