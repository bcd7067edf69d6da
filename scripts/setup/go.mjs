// The Go toolchain, as setup uses it to build pinned tools from the Go module proxy.
import { chmodSync, readdirSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { SetupError, toolsDir } from './context.mjs';
import { outputOf, runWithProgress } from './run.mjs';

const GO_FIX =
  'install Go (https://go.dev/dl/, the version the README names) so that `go` is on PATH, then run `npm run setup` again';

/** `go version` output ("go version go1.26.8 linux/amd64"), or a SetupError naming the fix. */
export function requireGo(forWhat) {
  const version = outputOf('go', ['version']);
  if (!version)
    throw new SetupError(`Go is needed to build ${forWhat} but \`go\` is not on PATH`, GO_FIX);
  return version.trim();
}

/**
 * Environment for builds outside any workspace of the user's: no go.work, no cgo (no C compiler
 * needed, static binaries like the upstream releases), no VCS stamping from the enclosing
 * looplab checkout (the version is stamped with -ldflags instead).
 */
export function goEnv(extra = {}) {
  return { ...process.env, GOWORK: 'off', CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false', ...extra };
}

/** `go mod download -json module@version`: the module's source folder and its VCS revision. */
export async function downloadModule(module, version) {
  const r = await runWithProgress(
    `go mod download ${module}@${version}`,
    'go',
    ['mod', 'download', '-json', `${module}@${version}`],
    {
      cwd: toolsDir,
      env: goEnv(),
    },
  );
  let info = {};
  try {
    info = JSON.parse(r.output);
  } catch {
    // Reported below with go's output.
  }
  if (r.code !== 0 || !info.Dir) {
    throw new SetupError(
      `could not download ${module}@${version} from the Go module proxy: ${info.Error ?? r.tail}`,
      `check the network and GOPROXY (\`go env GOPROXY\`), then run \`npm run setup\` again`,
    );
  }
  return { dir: info.Dir, revision: info.Origin?.Hash ?? 'unknown' };
}

/** "root@host", as Prometheus's promu stamps BuildUser. */
export const buildUser = () => `${userInfo().username}@${hostname()}`;

/** Go's reference layout 20060102-15:04:05 (what promu stamps as BuildDate), in UTC. */
export function buildDate(now = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}:${p(now.getUTCMinutes())}:${p(now.getUTCSeconds())}`;
}

/** Module files are read-only in the module cache; a copy must be writable to build and delete. */
export function makeWritable(dir) {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(path);
    else chmodSync(path, 0o644);
  }
}
