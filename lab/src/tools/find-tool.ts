import { join } from 'node:path';
import { isExecutable, onPath } from './executables.js';
import { MissingToolError } from './missing-tool-error.js';
import { readToolPins, type ToolPins } from './pinned-versions.js';
import { REPO_ROOT } from './repo-root.js';
import { prometheusVersion, vegetaVersion } from './tool-versions.js';

export type ToolName = 'prometheus' | 'promtool' | 'vegeta' | 'redis-server' | 'taskset' | 'wrk';

export interface FoundTool {
  path: string;
  /** The version the binary reports; null for tools that are not pinned (redis-server, taskset, wrk). */
  version: string | null;
}

export interface FindToolOptions {
  /** Whose .tools/bin is searched first (default: this checkout). */
  repoRoot?: string;
  env?: NodeJS.ProcessEnv;
}

interface ToolSpec {
  /** The pinned version, or null when any version will do. */
  pinned(pins: ToolPins): string | null;
  version(path: string, pins: ToolPins): string | null;
  fix(pins: ToolPins): string;
}

const prometheusSpec = (name: string): ToolSpec => ({
  pinned: (pins) => pins.prometheus.version,
  version: (path) => prometheusVersion(path),
  fix: (pins) =>
    `run \`npm run setup\` (it builds prometheus and promtool ${pins.prometheus.version} into .tools/bin from the Go module proxy; needs Go) — ${name} of another version is not used`,
});

const TOOLS: Record<ToolName, ToolSpec> = {
  prometheus: prometheusSpec('prometheus'),
  promtool: prometheusSpec('promtool'),
  vegeta: {
    pinned: (pins) => pins.vegeta.version,
    version: (path, pins) => vegetaVersion(path, pins.vegeta.module),
    fix: (pins) =>
      `run \`npm run setup\` (it builds vegeta ${pins.vegeta.version} into .tools/bin; needs Go), or put vegeta ${pins.vegeta.version} on PATH`,
  },
  'redis-server': {
    pinned: () => null,
    version: () => null,
    fix: () =>
      'run `npm run setup` as root (it installs redis-server with apt-get), or `sudo apt-get install -y redis-server`',
  },
  wrk: {
    pinned: () => null,
    version: () => null,
    fix: () =>
      'run `npm run setup -- --for bench` as root (it installs wrk with apt-get), or `sudo apt-get install -y wrk`',
  },
  taskset: {
    pinned: () => null,
    version: () => null,
    fix: () =>
      '`sudo apt-get install -y util-linux` (taskset pins the app and the load generator to different cores)',
  },
};

const found = new Map<string, FoundTool>();

/**
 * Finds a tool the lab runs: `<repo>/.tools/bin/<name>` first, then PATH, never a fixed system
 * path. A pinned tool (contract/data/versions.json) must report the pinned version; others are
 * passed over and named in the error. Throws MissingToolError naming the fix. Results are cached
 * per process (finding runs `--version`).
 */
export function findTool(name: ToolName, options: FindToolOptions = {}): FoundTool {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const env = options.env ?? process.env;
  const key = `${name}\0${repoRoot}\0${env.PATH ?? ''}`;
  const cached = found.get(key);
  if (cached) return cached;

  const spec = TOOLS[name];
  const pins = readToolPins(repoRoot);
  const wanted = spec.pinned(pins);
  const own = join(repoRoot, '.tools', 'bin', name);
  const candidates = [...(isExecutable(own) ? [own] : []), ...onPath(name, env)];
  const passedOver: string[] = [];
  for (const path of new Set(candidates)) {
    const version = spec.version(path, pins);
    if (wanted === null || version === wanted) {
      const tool = { path, version };
      found.set(key, tool);
      return tool;
    }
    passedOver.push(`${path} (${version === null ? 'does not run' : `version ${version}`})`);
  }
  const need = wanted === null ? '' : ` ${wanted}`;
  const seen = passedOver.length > 0 ? `; passed over ${passedOver.join(', ')}` : '';
  throw new MissingToolError(name, spec.fix(pins), `no${need} ${name} in ${own} or on PATH${seen}`);
}

/** Like findTool, but null when the tool is absent: for tools the lab can do without (taskset). */
export function findOptionalTool(name: ToolName, options: FindToolOptions = {}): FoundTool | null {
  try {
    return findTool(name, options);
  } catch (error) {
    if (error instanceof MissingToolError) return null;
    throw error;
  }
}
