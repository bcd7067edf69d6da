// The compose stack's tooling: a running Docker Engine, and the Compose and buildx CLI plugins.
// - Engine: Debian's docker.io, installed as root when missing; dockerd started when installed but
//   not running (nothing else starts it on a machine without systemd); otherwise the exact fix.
// - Compose and buildx: kept when `docker compose version` / `docker buildx version` already
//   answer with at least the pinned version; else built from the Go module proxy at the pinned
//   versions (contract/data/versions.json) into .tools/bin and linked as the user's Docker CLI
//   plugins (~/.docker/cli-plugins), so `docker compose ...` works as the README writes it.
import { spawn } from 'node:child_process';
import {
  closeSync,
  cpSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { binDir, readVersions, SetupError, toolsDir } from './context.mjs';
import { downloadModule, goEnv, makeWritable, requireGo } from './go.mjs';
import { onPath, outputOf, runWithProgress } from './run.mjs';
import { installDebianPackages, isRoot } from './system-packages.mjs';

const DOCKERD_LOG = join(toolsDir, 'dockerd.log');
const ENGINE_START_TIMEOUT_MS = 60_000;

/** The engine's version when the daemon answers, else null. */
export function engineVersion() {
  return outputOf('docker', ['version', '--format', '{{.Server.Version}}'])?.trim() || null;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts dockerd in the background, detached, logging to .tools/dockerd.log; waits until it answers. */
async function startDockerd(log) {
  mkdirSync(toolsDir, { recursive: true });
  log(`starting dockerd (log: ${DOCKERD_LOG})`);
  const out = openSync(DOCKERD_LOG, 'a');
  const child = spawn('dockerd', [], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  closeSync(out);
  const deadline = Date.now() + ENGINE_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (engineVersion()) return;
    if (child.exitCode !== null) break;
    await sleep(500);
  }
  throw new SetupError(
    `dockerd did not answer within ${ENGINE_START_TIMEOUT_MS / 1000} s (see ${DOCKERD_LOG})`,
    `read ${DOCKERD_LOG}, fix what it says, then run \`npm run setup\` again`,
  );
}

/** A running Docker Engine: installs Debian's docker.io (root) and starts dockerd when needed. */
export async function setupDockerEngine(log) {
  const running = engineVersion();
  if (running) return `Docker Engine ${running} is running`;
  const remote = process.env.DOCKER_HOST || process.env.DOCKER_CONTEXT;
  if (remote)
    throw new SetupError(
      `the Docker Engine that DOCKER_HOST/DOCKER_CONTEXT names (${remote}) does not answer`,
      'start that engine, or unset DOCKER_HOST and DOCKER_CONTEXT to use (and let setup start) the local one, then run `npm run setup` again',
    );
  const { engineDebianPackage } = readVersions().docker;
  if (onPath('dockerd').length === 0) {
    if (!isRoot())
      throw new SetupError(
        'no Docker Engine on this machine (`dockerd` is not on PATH)',
        `install one: \`sudo apt-get install ${engineDebianPackage}\` (or Docker's own packages), start it (\`sudo systemctl start docker\`, or \`sudo dockerd &\`), make sure you may use it (\`sudo usermod -aG docker $USER\`), then run \`npm run setup\` again`,
      );
    await installDebianPackages(log, [engineDebianPackage]);
  }
  if (!isRoot())
    throw new SetupError(
      'the Docker Engine is installed but does not answer (not running, or this user may not use /var/run/docker.sock)',
      'start it (`sudo systemctl start docker`, or `sudo dockerd &`) and make sure you may use it (`sudo usermod -aG docker $USER`, then log in again), then run `npm run setup` again',
    );
  await startDockerd(log);
  return `started Docker Engine ${engineVersion()}`;
}

/** "5.6.0" out of `docker compose version` / `docker buildx version` output, or null. */
export function pluginVersion(command) {
  const printed = outputOf('docker', [command, 'version']);
  return /v?(\d+\.\d+\.\d+)/.exec(printed ?? '')?.[1] ?? null;
}

const atLeast = (have, want) => {
  const a = have.split('.').map(Number);
  const b = want.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
};

/** Builds one Go CLI (compose or buildx) at its pinned version into .tools/bin, version stamped. */
async function buildPlugin(log, name, pin) {
  const go = requireGo(`docker ${name} ${pin.version}`);
  const { dir } = await downloadModule(pin.module, `v${pin.version}`);
  // `go install module@version` refuses modules with replace/exclude directives (compose has
  // them): build a writable copy of the module as the main module instead.
  const source = join(toolsDir, 'src', `${pin.binary}-${pin.version}`);
  rmSync(source, { recursive: true, force: true });
  mkdirSync(join(toolsDir, 'src'), { recursive: true });
  cpSync(dir, source, { recursive: true });
  makeWritable(source);
  log(
    `building ${pin.binary} ${pin.version} with ${go}; the first time about 3-6 min on 2 idle cores`,
  );
  const out = join(source, pin.binary);
  const r = await runWithProgress(
    `go build ${pin.binary}`,
    'go',
    [
      'build',
      '-trimpath',
      '-ldflags',
      `-s -w -X ${pin.versionVariable}=v${pin.version}`,
      '-o',
      out,
      pin.package,
    ],
    { cwd: source, env: goEnv() },
  );
  if (r.code !== 0)
    throw new SetupError(
      `building ${pin.binary} ${pin.version} failed:\n${r.tail}`,
      'fix the Go error above, then run `npm run setup` again',
    );
  mkdirSync(binDir, { recursive: true });
  renameSync(out, join(binDir, pin.binary));
  rmSync(source, { recursive: true, force: true });
}

/** ~/.docker/cli-plugins/<binary> -> .tools/bin/<binary>, replacing only an older link of ours. */
function linkPlugin(pin) {
  const dir = join(process.env.DOCKER_CONFIG || join(homedir(), '.docker'), 'cli-plugins');
  const link = join(dir, pin.binary);
  const target = join(binDir, pin.binary);
  mkdirSync(dir, { recursive: true });
  let existing = null;
  try {
    existing = lstatSync(link);
  } catch {}
  if (existing) {
    if (
      !existing.isSymbolicLink() ||
      !readlinkSync(link).endsWith(join('.tools', 'bin', pin.binary))
    )
      throw new SetupError(
        `${link} exists and is not looplab's, but \`docker ${pin.binary.replace('docker-', '')} version\` does not report ${pin.version} or later`,
        `update or remove ${link}, then run \`npm run setup\` again`,
      );
    rmSync(link);
  }
  symlinkSync(target, link);
  return link;
}

/** `docker compose` and `docker buildx` at the pinned versions or later. */
export async function setupComposePlugins(log) {
  if (onPath('docker').length === 0)
    throw new SetupError(
      'the Docker CLI (`docker`) is not on PATH',
      `install the Docker Engine (\`sudo apt-get install ${readVersions().docker.engineDebianPackage}\`), then run \`npm run setup\` again`,
    );
  const done = [];
  for (const [name, pin] of Object.entries({
    compose: readVersions().docker.compose,
    buildx: readVersions().docker.buildx,
  })) {
    const present = pluginVersion(name);
    if (present && atLeast(present, pin.version)) {
      done.push(`docker ${name} ${present}`);
      continue;
    }
    if (outputOf(join(binDir, pin.binary), ['version'])?.includes(pin.version) !== true)
      await buildPlugin(log, name, pin);
    const link = linkPlugin(pin);
    const now = pluginVersion(name);
    if (now !== pin.version)
      throw new SetupError(
        `linked ${link}, but \`docker ${name} version\` reports ${now ?? 'nothing'} (expected ${pin.version})`,
        `check ${link} and your Docker CLI's plugin folders, then run \`npm run setup\` again`,
      );
    done.push(`docker ${name} ${now} (built into .tools/bin, linked from ${link})`);
  }
  return done.join(', ');
}
