// vegeta (MIT), the lab's open-model load generator, pinned, into .tools/bin.
// Keeps a matching .tools/bin/vegeta; else links a matching vegeta from PATH; else builds it with
// `go install module@version` (vegeta has no replace directives), stamping the version the way
// vegeta's own Makefile does so that `vegeta -version` prints it.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { binDir, readVersions, SetupError } from './context.mjs';
import { downloadModule, goEnv, requireGo } from './go.mjs';
import { isExecutable, onPath, outputOf, runWithProgress } from './run.mjs';

/** "12.13.0" from `vegeta -version`, else from the module version Go recorded in the binary. */
export function vegetaVersion(bin, module) {
  const printed = outputOf(bin, ['-version']);
  if (printed === null) return null;
  const stamped = /^Version:[ \t]*v?(\d+\.\d+\.\d+\S*)/m.exec(printed)?.[1];
  if (stamped) return stamped;
  const recorded = outputOf('go', ['version', '-m', bin]) ?? '';
  const mod = recorded
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find((f) => f[0] === 'mod' && f[1] === module);
  return mod?.[2]?.replace(/^v/, '') ?? 'unknown';
}

export async function setupVegeta(log) {
  const { version, module } = readVersions().vegeta;
  const target = join(binDir, 'vegeta');
  if (isExecutable(target) && vegetaVersion(target, module) === version) {
    return `vegeta ${version} already in .tools/bin`;
  }
  rmSync(target, { force: true }); // also a dangling symlink
  mkdirSync(binDir, { recursive: true });

  const fromPath = onPath('vegeta').find(
    (bin) => resolve(bin) !== target && vegetaVersion(bin, module) === version,
  );
  if (fromPath) {
    symlinkSync(fromPath, target);
    return `linked .tools/bin/vegeta -> ${fromPath} (vegeta ${version} from PATH)`;
  }

  log(`building vegeta ${version} with ${requireGo(`vegeta ${version}`)}`);
  const { revision } = await downloadModule(module, `v${version}`);
  const ldflags = `-s -w -X main.Version=v${version} -X main.Commit=${revision} -X main.Date=${new Date().toISOString().slice(0, 19)}Z`;
  const r = await runWithProgress(
    'go install vegeta',
    'go',
    ['install', '-trimpath', '-ldflags', ldflags, `${module}@v${version}`],
    {
      cwd: binDir, // outside any go.mod: the pinned version alone decides the build
      env: goEnv({ GOBIN: binDir }),
    },
  );
  if (r.code !== 0) {
    throw new SetupError(
      `go install ${module}@v${version} failed:\n${r.tail}`,
      'fix the Go error above, then run `npm run setup` again',
    );
  }
  const built = vegetaVersion(target, module);
  if (built !== version) {
    throw new SetupError(
      `the built .tools/bin/vegeta reports version ${built}, expected ${version}`,
      'delete .tools/bin/vegeta and run `npm run setup` again',
    );
  }
  return `built vegeta ${version} into .tools/bin`;
}
