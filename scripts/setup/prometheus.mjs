// Prometheus and promtool, the same release as the compose image, built from the Go module proxy
// into .tools/bin. `go install pkg@version` refuses the module's replace directives, so the
// downloaded module is copied to a writable folder and built as the main module; the version is
// stamped with -ldflags as Prometheus's own build (promu, .promu.yml) does, so `--version` prints it.
import { cpSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { binDir, readVersions, SetupError, toolsDir } from './context.mjs';
import { buildDate, buildUser, downloadModule, goEnv, makeWritable, requireGo } from './go.mjs';
import { outputOf, runWithProgress } from './run.mjs';

const BINARIES = ['prometheus', 'promtool'];
const VERSION_PACKAGE = 'github.com/prometheus/common/version';

/** "3.13.2" from `prometheus --version` / `promtool --version` ("prometheus, version 3.13.2 (branch: ...)"). */
export function prometheusVersion(bin) {
  return /version (\d+\.\d+\.\d+\S*)/.exec(outputOf(bin, ['--version']) ?? '')?.[1] ?? null;
}

export async function setupPrometheus(log) {
  const { version, module, moduleVersion } = readVersions().prometheus;
  const present = BINARIES.map((name) => prometheusVersion(join(binDir, name)));
  if (present.every((v) => v === version))
    return `prometheus and promtool ${version} already in .tools/bin`;

  const go = requireGo(`prometheus ${version}`);
  const { dir, revision } = await downloadModule(module, moduleVersion);
  const source = join(toolsDir, 'src', `prometheus-${moduleVersion}`);
  rmSync(source, { recursive: true, force: true });
  mkdirSync(join(toolsDir, 'src'), { recursive: true });
  cpSync(dir, source, { recursive: true });
  makeWritable(source);

  const ldflags = [
    `-X ${VERSION_PACKAGE}.Version=${version}`,
    `-X ${VERSION_PACKAGE}.Revision=${revision}`,
    `-X ${VERSION_PACKAGE}.Branch=HEAD`,
    `-X ${VERSION_PACKAGE}.BuildUser=${buildUser()}`,
    `-X ${VERSION_PACKAGE}.BuildDate=${buildDate()}`,
  ].join(' ');
  const out = join(source, '.looplab-out');
  log(
    `building prometheus and promtool ${version} (module ${moduleVersion}) with ${go}; the first time about 7 min on 2 idle cores, longer on a busy machine`,
  );
  // netgo as upstream; not builtinassets: the web UI assets are not in the module and the lab only uses the API.
  const r = await runWithProgress(
    'go build prometheus promtool',
    'go',
    [
      'build',
      '-trimpath',
      '-tags',
      'netgo',
      '-ldflags',
      ldflags,
      '-o',
      `${out}/`,
      ...BINARIES.map((b) => `./cmd/${b}`),
    ],
    { cwd: source, env: goEnv() },
  );
  if (r.code !== 0) {
    throw new SetupError(
      `building prometheus ${version} failed:\n${r.tail}`,
      'fix the Go error above, then run `npm run setup` again',
    );
  }
  mkdirSync(binDir, { recursive: true });
  for (const name of BINARIES) renameSync(join(out, name), join(binDir, name));
  rmSync(source, { recursive: true, force: true });

  const built = BINARIES.map((name) => prometheusVersion(join(binDir, name)));
  if (!built.every((v) => v === version)) {
    throw new SetupError(
      `the built binaries report versions ${built.join(', ')}, expected ${version}`,
      'delete .tools/bin/prometheus and .tools/bin/promtool and run `npm run setup` again',
    );
  }
  return `built prometheus and promtool ${version} into .tools/bin`;
}
