/**
 * Static checks of the compose stack (docker-compose.yml, .env, stack/*). No Docker engine is
 * needed or used: the files are parsed and cross-checked, docker-compose.yml is validated
 * against the Compose Specification schema, and Prometheus' own `promtool` checks its config.
 *
 * Needs the pinned `promtool` (`npm run setup` builds it into .tools/bin); see docs/stack.md.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseDocument, parse as parseYaml } from 'yaml';
import { findTool } from '../../lab/src/tools/index.js';
import {
  durationSeconds,
  interpolate,
  interpolateString,
  parseDotEnv,
  referencesInTree,
} from './helpers/compose-env.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** sha256 of JSON.stringify(JSON.parse(schema)): see stack/test/compose-spec.SOURCE.md. */
const SCHEMA_CANONICAL_SHA256 = 'b2dc5daa8ce86f3b6a82dfe17afa0b5428b21d51a18bfb6e1ef304cf88e933ae';

/** Bind-mounted host folders that are produced by other steps and may not exist yet. */
const GENERATED_HOST_PATHS = ['./dashboards/generated', './reports'];

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

type Dict = Record<string, unknown>;

interface Healthcheck {
  test?: string | string[];
}

interface Service {
  image?: string;
  entrypoint?: string | string[];
  build?: { context?: string; dockerfile?: string; args?: Dict };
  command?: string | string[];
  environment?: Record<string, string> | string[];
  ports?: (string | number | Dict)[];
  volumes?: (string | Dict)[];
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: Healthcheck;
  profiles?: string[];
  cpus?: string | number;
  stop_grace_period?: string;
  networks?: Record<string, { aliases?: string[] } | null> | string[];
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const composeText = read('docker-compose.yml');
// merge: the file shares settings through `x-` anchors and `<<:` merge keys, as Compose reads them.
const composeRaw = parseYaml(composeText, { merge: true }) as ComposeFile;
const dotEnv = parseDotEnv(read('.env'));
const envValues: Record<string, string> = Object.fromEntries(
  dotEnv.map((entry) => [entry.name, entry.value]),
);
/** What Compose sees with .env and nothing exported. */
const compose = interpolate(composeRaw, envValues);
const services = compose.services;

const promConfig = parseYaml(read('stack/prometheus/prometheus.yml')) as {
  global: Dict;
  scrape_configs: {
    job_name: string;
    scrape_interval?: string;
    metrics_path?: string;
    static_configs: { targets: string[] }[];
  }[];
};
const tempo = parseYaml(read('stack/tempo/tempo.yaml')) as {
  server: { http_listen_port: number };
  distributor: { receivers: { otlp: { protocols: Record<string, { endpoint: string }> } } };
  metrics_generator: { storage: { remote_write: { url: string; send_exemplars?: boolean }[] } };
  overrides: { defaults: { metrics_generator: { trace_id_label_name?: string } } };
};
const collector = parseYaml(read('stack/otel-collector/config.yaml')) as {
  receivers: Record<string, { protocols: Record<string, { endpoint: string }> }>;
  processors?: Record<string, unknown>;
  exporters: Record<string, { endpoint: string; tls?: { insecure?: boolean } }>;
  extensions?: Record<string, unknown>;
  service: {
    extensions?: string[];
    pipelines: Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }>;
    telemetry?: {
      metrics?: { readers?: { pull?: { exporter?: { prometheus?: { port?: number } } } }[] };
    };
  };
};
const datasources = parseYaml(read('stack/grafana/provisioning/datasources/datasources.yml')) as {
  datasources: {
    name: string;
    uid: string;
    type: string;
    url: string;
    jsonData?: {
      exemplarTraceIdDestinations?: { name: string; datasourceUid: string }[];
      serviceMap?: { datasourceUid: string };
    };
  }[];
};
const dashboardProviders = parseYaml(
  read('stack/grafana/provisioning/dashboards/dashboards.yml'),
) as {
  providers: { name: string; type: string; options: { path: string } }[];
};

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function environmentOf(svc: Service): Record<string, string> {
  const env = svc.environment ?? {};
  if (!Array.isArray(env)) return env;
  return Object.fromEntries(
    env.map((item) => [item.split('=')[0], item.split('=').slice(1).join('=')]),
  );
}

function commandOf(svc: Service): string[] {
  const cmd = svc.command ?? [];
  return Array.isArray(cmd) ? cmd : cmd.split(/\s+/);
}

/** The value after `--flag` or in `--flag=value` (Prometheus style). */
function flagValue(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  if (index >= 0) return args[index + 1];
  return args.find((arg) => arg.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

interface PortMapping {
  hostIp: string | undefined;
  published: string | undefined;
  target: string;
}

function portsOf(svc: Service): PortMapping[] {
  return (svc.ports ?? []).map((port) => {
    if (typeof port === 'object') {
      return {
        hostIp: port.host_ip as string | undefined,
        published: port.published === undefined ? undefined : String(port.published),
        target: String(port.target),
      };
    }
    const parts = String(port)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    if (parts.length === 3)
      return { hostIp: parts[0], published: parts[1], target: parts[2] as string };
    if (parts.length === 2)
      return { hostIp: undefined, published: parts[0], target: parts[1] as string };
    return { hostIp: undefined, published: undefined, target: parts[0] as string };
  });
}

/** `[source, target]` of each short-syntax volume entry. */
function mountsOf(svc: Service): { source: string; target: string }[] {
  return (svc.volumes ?? []).map((volume) => {
    if (typeof volume === 'object') {
      return { source: String(volume.source), target: String(volume.target) };
    }
    const [source = '', target = ''] = volume.split(':');
    return { source, target };
  });
}

function dependsOn(svc: Service): Record<string, string> {
  const deps = svc.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, dep]) => [name, dep.condition]));
}

/** host and port of `host:port` or a URL. */
function hostPort(address: string): { host: string; port: string } {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  return { host: url.hostname, port: url.port };
}

function job(name: string) {
  const found = promConfig.scrape_configs.find((config) => config.job_name === name);
  if (!found) throw new Error(`prometheus.yml has no job ${name}`);
  return found;
}

function targetsOf(jobName: string): string[] {
  return job(jobName).static_configs.flatMap((config) => config.targets);
}

// ---------------------------------------------------------------------------------------------
// docker-compose.yml
// ---------------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  it('opens with a comment that says how to run it', () => {
    const head = composeText.split('\n').slice(0, 20);
    expect(head[0]?.startsWith('#')).toBe(true);
    expect(head.join('\n')).toContain('docker compose up');
    expect(head.join('\n')).toContain('docker compose --profile load run');
  });

  it('validates against the Compose Specification JSON schema, before and after interpolation', () => {
    const schemaText = read('stack/test/compose-spec.json');
    const canonical = createHash('sha256')
      .update(JSON.stringify(JSON.parse(schemaText)))
      .digest('hex');
    expect(canonical, 'compose-spec.json differs from the recorded copy').toBe(
      SCHEMA_CANONICAL_SHA256,
    );

    // Same preparation as dclint does with this schema: Ajv (draft-07) does not know the
    // draft-04 style `id` keys, and wants the draft-07 meta-schema URI in its canonical form.
    const prepare = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(prepare);
      if (!node || typeof node !== 'object') return node;
      const out: Dict = {};
      for (const [key, value] of Object.entries(node)) {
        if (key === 'id' && typeof value === 'string') continue;
        out[key] =
          key === '$schema' && value === 'https://json-schema.org/draft-07/schema'
            ? 'http://json-schema.org/draft-07/schema#'
            : prepare(value);
      }
      return out;
    };
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
    const validate = ajv.compile(prepare(JSON.parse(schemaText)) as object);

    for (const [label, document] of [
      ['as written', composeRaw],
      ['interpolated with .env', compose],
    ] as const) {
      const valid = validate(document);
      expect(valid, `${label}: ${ajv.errorsText(validate.errors, { separator: '\n' })}`).toBe(true);
    }

    // And the schema does reject a broken file (the check is not a no-op).
    const broken = structuredClone(composeRaw) as unknown as Dict;
    (broken.services as Dict)['target-app'] = { ...service('target-app'), cpu: 1 };
    expect(validate(broken)).toBe(false);
  });

  it('publishes every port on 127.0.0.1 only', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const port of portsOf(svc)) {
        expect(port.hostIp, `${name}: ${JSON.stringify(port)}`).toBe('127.0.0.1');
        expect(port.published, `${name}: ${JSON.stringify(port)}`).toMatch(/^\d+$/);
      }
    }
  });

  it('pins every image to a version (no latest), in compose, .env and the Dockerfiles', () => {
    const pinned = (ref: string) => {
      const withoutDigest = ref.split('@')[0] as string;
      const tag = withoutDigest.includes(':') ? withoutDigest.split(':').pop() : undefined;
      return ref.includes('@sha256:') || (tag !== undefined && tag !== 'latest' && /\d/.test(tag));
    };
    for (const [name, svc] of Object.entries(services)) {
      if (svc.build) {
        // Built here: the tag only names the local build, its bases are checked below.
        expect(svc.image, name).toMatch(/^looplab-[a-z-]+:local$/);
        for (const [arg, value] of Object.entries(svc.build.args ?? {})) {
          if (arg.endsWith('_IMAGE'))
            expect(pinned(String(value)), `${name} ${arg}=${value}`).toBe(true);
        }
      } else {
        expect(svc.image, name).toBeDefined();
        expect(pinned(svc.image as string), `${name}: ${svc.image}`).toBe(true);
        // The version lives in .env only: compose refers to it, with no default to drift.
        expect(composeRaw.services[name]?.image, name).toMatch(/^\$\{[A-Z_]+_IMAGE:\?[^}]*\}$/);
      }
    }
    for (const entry of dotEnv.filter((e) => e.name.endsWith('_IMAGE'))) {
      expect(pinned(entry.value), `.env ${entry.name}=${entry.value}`).toBe(true);
    }
    // Dockerfile ARG defaults are the same pinned values as .env.
    for (const dockerfile of [
      'target-app/Dockerfile',
      'target-fastapi/Dockerfile',
      'stack/loadgen/Dockerfile',
    ]) {
      const text = read(dockerfile);
      for (const m of text.matchAll(/^ARG ([A-Z_]+_IMAGE)=(\S+)$/gm)) {
        expect(pinned(m[2] as string), `${dockerfile} ${m[1]}`).toBe(true);
        expect(m[2], `${dockerfile} ${m[1]} vs .env`).toBe(envValues[m[1] as string]);
      }
      // Every FROM is a pinned ARG, an explicit pinned reference, or an earlier stage.
      const stages = new Set<string>();
      for (const m of text.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)) {
        const from = m[1] as string;
        if (!stages.has(from)) {
          expect(from, `${dockerfile}: FROM ${from}`).toMatch(
            /^(\$\{[A-Z_]+\}|[a-z0-9./-]+:[^:\s]*\d)/,
          );
        }
        if (m[2]) stages.add(m[2]);
      }
    }
  });

  it('gives a healthcheck to every service that others wait for with service_healthy', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const [dependency, condition] of Object.entries(dependsOn(svc))) {
        expect(Object.keys(services), `${name} depends on unknown ${dependency}`).toContain(
          dependency,
        );
        if (condition === 'service_healthy') {
          expect(
            services[dependency]?.healthcheck?.test,
            `${dependency} (for ${name})`,
          ).toBeDefined();
        }
      }
    }
    // Where the dependency can say it is healthy, wait for that rather than for a mere start.
    for (const [name, svc] of Object.entries(services)) {
      for (const [dependency, condition] of Object.entries(dependsOn(svc))) {
        if (services[dependency]?.healthcheck) {
          expect(condition, `${name} -> ${dependency}`).toBe('service_healthy');
        }
      }
    }
    for (const name of ['target-app', 'prometheus', 'grafana', 'tempo']) {
      expect(service(name).healthcheck?.test, name).toBeDefined();
    }
    expect(JSON.stringify(service('target-app').healthcheck?.test)).toContain('/healthz');
    expect(JSON.stringify(service('grafana').healthcheck?.test)).toContain('/api/health');
    expect(JSON.stringify(service('prometheus').healthcheck?.test)).toContain('/-/ready');
  });

  it('documents every variable in .env, with a comment line, and uses every .env variable', () => {
    const referenced = referencesInTree(composeRaw);
    const used = new Set(referenced.map((ref) => ref.name));
    const defined = new Set(dotEnv.map((entry) => entry.name));
    expect(
      [...used].filter((name) => !defined.has(name)),
      'used, not in .env',
    ).toEqual([]);
    expect(
      [...defined].filter((name) => !used.has(name)),
      'in .env, never used',
    ).toEqual([]);
    expect(dotEnv.length, 'duplicate .env entries').toBe(defined.size);
    for (const entry of dotEnv) {
      expect(entry.commented, `.env line ${entry.line} (${entry.name}) has no comment above`).toBe(
        true,
      );
    }
    // A default written in compose must equal the .env value, or the two drift apart.
    for (const ref of referenced.filter((r) => r.operator === ':-' || r.operator === '-')) {
      expect(ref.argument, `default of ${ref.name}`).toBe(envValues[ref.name]);
    }
  });

  it('needs no environment: .env alone resolves it, and no Grafana password is committed', () => {
    const passwordRefs = referencesInTree(composeRaw).filter(
      (ref) => ref.name === 'GRAFANA_ADMIN_PASSWORD',
    );
    expect(passwordRefs.length).toBeGreaterThan(0);
    for (const ref of passwordRefs) expect([':-', '-']).toContain(ref.operator);
    expect(envValues.GRAFANA_ADMIN_PASSWORD).toBe('');
    expect(() => interpolate(composeRaw, envValues)).not.toThrow();
    const grafana = service('grafana');
    expect(environmentOf(grafana).GF_AUTH_ANONYMOUS_ENABLED).toBe('true');
    expect(environmentOf(grafana).GF_AUTH_ANONYMOUS_ORG_ROLE).toBe('Viewer');
    // Its entrypoint generates an admin password when none was chosen (tested below), then
    // runs the image's own /run.sh.
    expect(grafana.entrypoint).toEqual(['/bin/sh', '/etc/looplab/grafana-start.sh']);
    expect(grafana.volumes).toContain('./stack/grafana/start.sh:/etc/looplab/grafana-start.sh:ro');
  });

  it('runs the target app CPU-capped, with a stop grace period above its drain timeout', () => {
    const app = service('target-app');
    expect(app.build?.dockerfile).toBe('target-app/Dockerfile');
    expect(Number(app.cpus)).toBeGreaterThan(0);
    const env = environmentOf(app);
    expect(env.HOST).toBe('0.0.0.0');
    expect(Number(env.LOOPLAB_POOL_SIZE)).toBeGreaterThanOrEqual(1);
    const drainS = Number(env.LOOPLAB_DRAIN_TIMEOUT_MS) / 1000;
    expect(drainS).toBeGreaterThan(0);
    expect(durationSeconds(app.stop_grace_period as string)).toBeGreaterThanOrEqual(drainS + 5);
    // The app listens on PORT inside the container; that is the port published and scraped.
    const port = env.PORT as string;
    expect(portsOf(app).map((p) => p.target)).toEqual([port]);
    // Job `node` (the contract's runtime name) scrapes the app and, second, its queue worker.
    expect(targetsOf('node')[0]).toBe(`target-app:${port}`);
    expect(JSON.stringify(app.healthcheck?.test)).toContain(`127.0.0.1:${port}/healthz`);
  });

  it('sends the app spans to the collector, on the port and protocol the collector listens on', () => {
    const env = environmentOf(service('target-app'));
    const endpoint = hostPort(env.OTEL_EXPORTER_OTLP_ENDPOINT as string);
    expect(endpoint.host).toBe('otel-collector');
    // The Node SDK speaks OTLP/HTTP (http/protobuf) by default: the collector's http receiver.
    expect(env.OTEL_EXPORTER_OTLP_PROTOCOL).toBe('http/protobuf');
    const httpReceiver = collector.receivers.otlp?.protocols.http?.endpoint as string;
    expect(hostPort(httpReceiver).port).toBe(endpoint.port);
    expect(env.OTEL_SERVICE_NAME).toBeTruthy();
  });

  it('runs the load generator under the `load` profile, where Prometheus scrapes it', () => {
    const loadgen = service('loadgen');
    expect(loadgen.profiles).toEqual(['load']);
    expect(loadgen.build?.dockerfile).toBe('stack/loadgen/Dockerfile');
    const args = commandOf(loadgen);
    expect(args[0]).toBe('compare');
    const metricsPort = flagValue(args, '--metrics-port') as string;
    expect(metricsPort).toMatch(/^\d+$/);
    // 127.0.0.1 (the CLI default) would be unreachable from the prometheus container.
    expect(flagValue(args, '--metrics-host')).toBe('0.0.0.0');
    expect(portsOf(loadgen).map((p) => p.target)).toEqual([metricsPort]);
    expect(targetsOf('loadgen')).toEqual([`loadgen:${metricsPort}`]);
    expect(job('loadgen').scrape_interval).toBe('1s');
    expect(job('node').scrape_interval).toBe('2s');
    // The target is the app service, allowed by name (looplab refuses non-loopback hosts).
    const target = hostPort(flagValue(args, '--target-url') as string);
    expect(target.host).toBe('target-app');
    expect(target.port).toBe(environmentOf(service('target-app')).PORT);
    expect(environmentOf(loadgen).LOOPLAB_ALLOWED_TARGET_HOSTS?.split(',')).toContain('target-app');
    // `docker compose run --use-aliases` needs the alias for Prometheus to resolve `loadgen`.
    const networks = loadgen.networks as Record<string, { aliases?: string[] }>;
    expect(networks.default?.aliases).toContain('loadgen');
    expect(dependsOn(loadgen)['target-app']).toBe('service_healthy');
  });

  it('builds vegeta at the version the rest of the repo pins', () => {
    const version = envValues.VEGETA_VERSION as string;
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(read('stack/loadgen/Dockerfile')).toContain(`ARG VEGETA_VERSION=${version}`);
    const pins = JSON.parse(read('contract/data/versions.json')) as { vegeta: { version: string } };
    expect(pins.vegeta.version, 'contract/data/versions.json (what npm run setup builds)').toBe(
      version,
    );
  });

  it('builds the load generator from every workspace manifest and the lab sources', () => {
    const dockerfile = read('stack/loadgen/Dockerfile');
    const { workspaces } = JSON.parse(read('package.json')) as { workspaces: string[] };
    for (const workspace of workspaces) {
      expect(dockerfile, `COPY of ${workspace}/package.json`).toContain(
        `COPY ${workspace}/package.json ${workspace}/package.json`,
      );
    }
    expect(dockerfile).toContain('npm ci --workspace lab');
    expect(dockerfile).toContain('tsc -p lab/tsconfig.build.json');
    expect(dockerfile).toContain('ENTRYPOINT ["node", "/app/lab/dist/cli.js"]');
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toContain(
      `EXPOSE ${flagValue(commandOf(service('loadgen')), '--metrics-port')}`,
    );
  });

  it('declares every named volume it uses, and bind-mounts only paths of this repo', () => {
    const declared = Object.keys(compose.volumes ?? {});
    const usedNamed = new Set<string>();
    for (const [name, svc] of Object.entries(services)) {
      for (const { source, target } of mountsOf(svc)) {
        expect(target.startsWith('/'), `${name}: ${target}`).toBe(true);
        if (source.startsWith('./')) {
          if (!GENERATED_HOST_PATHS.includes(source)) {
            expect(existsSync(join(ROOT, source)), `${name}: ${source} does not exist`).toBe(true);
          }
        } else {
          expect(source, `${name}: only ./ bind mounts and named volumes`).toMatch(/^[a-z0-9-]+$/);
          expect(declared, `${name}: volume ${source} is not declared`).toContain(source);
          usedNamed.add(source);
        }
      }
    }
    expect(declared.sort()).toEqual([...usedNamed].sort());
  });

  it('mounts each config where the service reads it', () => {
    const mountTarget = (svc: string, source: string) =>
      mountsOf(service(svc)).find((m) => m.source === source)?.target;
    expect(flagValue(commandOf(service('prometheus')), '--config.file')).toBe(
      mountTarget('prometheus', './stack/prometheus/prometheus.yml'),
    );
    expect(flagValue(commandOf(service('tempo')), '-config.file')).toBe(
      mountTarget('tempo', './stack/tempo/tempo.yaml'),
    );
    expect(flagValue(commandOf(service('otel-collector')), '--config')).toBe(
      mountTarget('otel-collector', './stack/otel-collector/config.yaml'),
    );
    expect(mountTarget('grafana', './stack/grafana/provisioning')).toBe(
      '/etc/grafana/provisioning',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Prometheus
// ---------------------------------------------------------------------------------------------

describe('stack/prometheus/prometheus.yml', () => {
  it('passes `promtool check config`', () => {
    // The pinned promtool, the same release as the compose image (throws naming the fix if absent).
    const promtool = findTool('promtool').path;
    const checked = read('stack/prometheus/prometheus.yml');
    const dir = mkdtempSync(join(tmpdir(), 'looplab-promtool-'));
    try {
      const file = join(dir, 'prometheus.yml');
      writeFileSync(file, checked);
      const result = spawnSync(promtool, ['check', 'config', file], { encoding: 'utf8' });
      expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
      expect(result.stdout).toContain('SUCCESS');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('turns on native histograms and runs with the remote-write receiver and exemplar storage', () => {
    expect(promConfig.global.scrape_native_histograms).toBe(true);
    const args = commandOf(service('prometheus'));
    expect(args).toContain('--web.enable-remote-write-receiver');
    expect(args).toContain('--enable-feature=exemplar-storage');
    // Bounded storage.
    expect(flagValue(args, '--storage.tsdb.retention.time')).toMatch(/^\d+[smhdwy]$/);
    expect(flagValue(args, '--storage.tsdb.retention.size')).toMatch(/^\d+(B|KB|MB|GB|TB)$/);
  });

  it('scrapes each stack component on the port it serves metrics on', () => {
    expect(targetsOf('tempo')).toEqual([`tempo:${tempo.server.http_listen_port}`]);
    const collectorPort =
      collector.service.telemetry?.metrics?.readers?.[0]?.pull?.exporter?.prometheus?.port;
    expect(targetsOf('otel-collector')).toEqual([`otel-collector:${collectorPort}`]);
    for (const target of promConfig.scrape_configs.flatMap((c) =>
      c.static_configs.flatMap((s) => s.targets),
    )) {
      const { host } = hostPort(target);
      if (host !== 'localhost') expect(Object.keys(services), target).toContain(host);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Grafana provisioning
// ---------------------------------------------------------------------------------------------

describe('stack/grafana/provisioning', () => {
  const byUid = Object.fromEntries(datasources.datasources.map((ds) => [ds.uid, ds]));

  it('defines the Prometheus and Tempo data sources under the uids the dashboards use', () => {
    expect(byUid.prometheus?.type).toBe('prometheus');
    expect(byUid.tempo?.type).toBe('tempo');
    expect(hostPort(byUid.prometheus?.url as string)).toEqual({ host: 'prometheus', port: '9090' });
    expect(portsOf(service('prometheus')).map((p) => p.target)).toContain('9090');
    expect(hostPort(byUid.tempo?.url as string)).toEqual({
      host: 'tempo',
      port: String(tempo.server.http_listen_port),
    });
  });

  it('links exemplars to traces: every referenced uid exists, the label is the one emitted', () => {
    for (const ds of datasources.datasources) {
      for (const destination of ds.jsonData?.exemplarTraceIdDestinations ?? []) {
        expect(Object.keys(byUid), `${ds.name} -> ${destination.datasourceUid}`).toContain(
          destination.datasourceUid,
        );
      }
      if (ds.jsonData?.serviceMap) {
        expect(Object.keys(byUid)).toContain(ds.jsonData.serviceMap.datasourceUid);
      }
    }
    const destinations = byUid.prometheus?.jsonData?.exemplarTraceIdDestinations ?? [];
    expect(destinations).toEqual([
      expect.objectContaining({ name: 'trace_id', datasourceUid: 'tempo' }),
    ]);
    // The app's exemplars carry trace_id (docs/metrics.md); Tempo's span metrics are told to
    // use the same label, so one destination covers both.
    expect(read('docs/metrics.md')).toContain('# {trace_id="');
    expect(tempo.overrides.defaults.metrics_generator.trace_id_label_name).toBe('trace_id');
  });

  it('points the dashboard provider at the folder that compose mounts the generated JSON into', () => {
    const mount = mountsOf(service('grafana')).find((m) => m.source === './dashboards/generated');
    expect(mount).toBeDefined();
    expect(dashboardProviders.providers).toHaveLength(1);
    expect(dashboardProviders.providers[0]?.type).toBe('file');
    expect(dashboardProviders.providers[0]?.options.path).toBe(mount?.target);
    const home = environmentOf(service('grafana')).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    expect(home).toBe(`${mount?.target}/event-loop-vs-latency.json`);
  });

  it('the generated dashboards refer only to provisioned data sources', () => {
    const files = readdirSync(join(ROOT, 'dashboards/generated')).filter((f) =>
      f.endsWith('.json'),
    );
    const types = new Set(datasources.datasources.map((ds) => ds.type));
    for (const file of files) {
      const dashboard = JSON.parse(read(`dashboards/generated/${file}`)) as {
        templating?: { list?: { type: string; query?: string; current?: { value?: string } }[] };
      };
      const variables = (dashboard.templating?.list ?? []).filter((v) => v.type === 'datasource');
      for (const variable of variables) {
        if (variable.query)
          expect(types, `${file}: variable of type ${variable.query}`).toContain(variable.query);
        if (variable.current?.value) {
          expect(Object.keys(byUid), `${file}: default ${variable.current.value}`).toContain(
            variable.current.value,
          );
        }
      }
      const refs: { type?: string; uid?: string }[] = [];
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(walk);
        else if (node && typeof node === 'object') {
          const ds = (node as Dict).datasource;
          if (ds && typeof ds === 'object') refs.push(ds as { type?: string; uid?: string });
          Object.values(node).forEach(walk);
        }
      };
      walk(dashboard);
      for (const ref of refs) {
        if (ref.uid && !ref.uid.startsWith('$') && !ref.uid.startsWith('-- ')) {
          expect(Object.keys(byUid), `${file}: data source uid ${ref.uid}`).toContain(ref.uid);
        }
        if (ref.type && !ref.type.startsWith('grafana') && ref.type !== 'datasource') {
          expect(types, `${file}: data source type ${ref.type}`).toContain(ref.type);
        }
      }
    }
  });

  it('the home dashboard file is the headline dashboard (uid looplab-event-loop)', () => {
    const home = JSON.parse(read('dashboards/generated/event-loop-vs-latency.json')) as {
      uid?: string;
    };
    expect(home.uid).toBe('looplab-event-loop');
  });
});

// ---------------------------------------------------------------------------------------------
// Tempo and the collector
// ---------------------------------------------------------------------------------------------

describe('stack/tempo/tempo.yaml and stack/otel-collector/config.yaml', () => {
  it('parse as YAML without duplicate keys', () => {
    for (const path of ['stack/tempo/tempo.yaml', 'stack/otel-collector/config.yaml']) {
      const doc = parseDocument(read(path), { uniqueKeys: true });
      expect(doc.errors, path).toEqual([]);
      expect(doc.warnings, path).toEqual([]);
    }
  });

  it('has the collector export traces to the OTLP/gRPC receiver Tempo listens on', () => {
    const pipeline = collector.service.pipelines.traces;
    expect(pipeline).toBeDefined();
    const exporters = pipeline?.exporters ?? [];
    expect(exporters).toHaveLength(1);
    const exporterId = exporters[0] as string;
    expect(exporterId.split('/')[0]).toBe('otlp_grpc');
    const exporter = collector.exporters[exporterId];
    const tempoGrpc = tempo.distributor.receivers.otlp.protocols.grpc?.endpoint as string;
    expect(hostPort(exporter?.endpoint as string)).toEqual({
      host: 'tempo',
      port: hostPort(tempoGrpc).port,
    });
    expect(exporter?.tls?.insecure).toBe(true);
    // Receivers listen on all interfaces (they default to localhost, useless in a container).
    expect(hostPort(tempoGrpc).host).toBe('0.0.0.0');
  });

  it('wires every component it names, and listens where compose publishes', () => {
    const pipeline = collector.service.pipelines.traces;
    for (const id of pipeline?.receivers ?? [])
      expect(Object.keys(collector.receivers)).toContain(id);
    for (const id of pipeline?.processors ?? []) {
      expect(Object.keys(collector.processors ?? {})).toContain(id);
    }
    for (const id of pipeline?.exporters ?? [])
      expect(Object.keys(collector.exporters)).toContain(id);
    for (const id of collector.service.extensions ?? []) {
      expect(Object.keys(collector.extensions ?? {})).toContain(id);
    }
    const listening = Object.values(collector.receivers.otlp?.protocols ?? {}).map((p) =>
      hostPort(p.endpoint),
    );
    for (const { host } of listening) expect(host).toBe('0.0.0.0');
    expect(
      portsOf(service('otel-collector'))
        .map((p) => p.target)
        .sort(),
    ).toEqual(listening.map((l) => l.port).sort());
  });

  it("has Tempo's metrics-generator remote-write into Prometheus' receiver, with exemplars", () => {
    const remoteWrite = tempo.metrics_generator.storage.remote_write;
    expect(remoteWrite).toHaveLength(1);
    const url = new URL(remoteWrite[0]?.url as string);
    expect(url.hostname).toBe('prometheus');
    expect(portsOf(service('prometheus')).map((p) => p.target)).toContain(url.port);
    expect(url.pathname).toBe('/api/v1/write');
    expect(remoteWrite[0]?.send_exemplars).toBe(true);
    expect(commandOf(service('prometheus'))).toContain('--web.enable-remote-write-receiver');
    expect(portsOf(service('tempo')).map((p) => p.target)).toEqual([
      String(tempo.server.http_listen_port),
    ]);
  });
});

// Sanity of the interpolation helper itself, on the forms docker-compose.yml uses.
describe('compose interpolation helper', () => {
  /** `${body}` written without a string literal that looks like a template to the linter. */
  const ref = (body: string) => `$\{${body}}`;
  const at = (body: string, env: Record<string, string>) => interpolateString(ref(body), env);

  it('follows Compose for defaults, required values and escapes', () => {
    expect(ref('A')).toBe(['$', '{A}'].join(''));
    expect(at('A:-x', {})).toBe('x');
    expect(at('A:-x', { A: '' })).toBe('x');
    expect(at('A-x', { A: '' })).toBe('');
    expect(at('A:?need A', { A: 'v' })).toBe('v');
    expect(() => at('A:?need A', { A: '' })).toThrow(/need A/);
    expect(interpolateString('$$HOME and $A', { A: '1' })).toBe('$HOME and 1');
    expect(at('U:-1000:1000', {})).toBe('1000:1000');
    expect(durationSeconds('1m30s')).toBe(90);
  });
});

describe("stack/grafana/start.sh (Grafana's entrypoint)", () => {
  /** Runs the script with a fake /run.sh that prints the password it was given. */
  function start(dataDir: string, password?: string) {
    const fakeRun = join(dataDir, '..', 'run.sh');
    writeFileSync(fakeRun, '#!/bin/sh\necho "run.sh got [$GF_SECURITY_ADMIN_PASSWORD] $*"\n', {
      mode: 0o755,
    });
    const r = spawnSync('sh', [join(ROOT, 'stack', 'grafana', 'start.sh'), 'arg1'], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        GF_PATHS_DATA: dataDir,
        LOOPLAB_GRAFANA_RUN: fakeRun,
        ...(password === undefined ? {} : { GF_SECURITY_ADMIN_PASSWORD: password }),
      },
    });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  }

  it('generates a random admin password at first start, prints it, and keeps it for later starts', () => {
    const root = mkdtempSync(join(tmpdir(), 'looplab-grafana-'));
    try {
      const data = join(root, 'data');
      mkdirSync(data);
      const first = start(data);
      const generated = /run\.sh got \[([A-Za-z0-9]{24})\] arg1/.exec(first)?.[1];
      expect(generated, first).toBeDefined();
      expect(first).toContain(`Grafana admin password (generated at first start`);
      expect(statSync(join(data, 'looplab-admin-password')).mode & 0o077).toBe(0);
      writeFileSync(join(data, 'grafana.db'), '');
      expect(start(data)).toContain(`run.sh got [${generated}]`);
      const other = join(root, 'other');
      mkdirSync(other);
      expect(start(other)).not.toContain(`[${generated}]`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('passes a chosen password through untouched, and never invents one for an existing database', () => {
    const root = mkdtempSync(join(tmpdir(), 'looplab-grafana-'));
    try {
      const data = join(root, 'data');
      mkdirSync(data);
      expect(start(data, 'chosen-one')).toBe('run.sh got [chosen-one] arg1\n');
      expect(existsSync(join(data, 'looplab-admin-password'))).toBe(false);
      writeFileSync(join(data, 'grafana.db'), '');
      const later = start(data);
      expect(later).toContain('the one chosen at its first start');
      expect(later).toContain('run.sh got [] arg1');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
