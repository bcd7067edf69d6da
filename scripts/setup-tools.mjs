// Ensures the pinned load generator is at <repo>/.tools/bin/vegeta (run: node scripts/setup-tools.mjs).
// vegeta (MIT) is the lab's open-model load generator. Order: keep a matching .tools/bin/vegeta;
// else link a matching vegeta from PATH; else build it with `go install` into .tools/bin.
// Idempotent: a second run only checks the version and exits.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODULE = 'github.com/tsenart/vegeta/v12';
const VERSION = '12.13.0';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(repoRoot, '.tools', 'bin');
const target = join(binDir, 'vegeta');

const run = (cmd, args, options = {}) =>
  spawnSync(cmd, args, { encoding: 'utf8', timeout: 600_000, ...options });

const goAvailable = () => {
  const r = run('go', ['version']);
  return r.status === 0 ? r.stdout.trim() : null;
};

/**
 * The version of a vegeta binary, or null when it cannot be run.
 * `vegeta -version` prints "Version: <v>"; a go-installed binary has no ldflags, so that may be
 * empty, "unknown" or "(devel)". Then the module version recorded in the binary
 * (`go version -m`, line "mod github.com/tsenart/vegeta/v12 v12.13.0 h1:...") is used.
 */
function vegetaVersion(bin) {
  const r = run(bin, ['-version'], { timeout: 10_000 });
  if (r.error || r.status !== 0) return null;
  const m = /^Version:[ \t]*v?(\S*)/m.exec(r.stdout);
  const printed = m?.[1] ?? '';
  if (/^\d+\.\d+\.\d+/.test(printed)) return printed;
  const g = run('go', ['version', '-m', bin], { timeout: 10_000 });
  if (g.error || g.status !== 0) return printed || 'unknown';
  const mod = g.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find((f) => f[0] === 'mod' && f[1] === MODULE);
  return mod?.[2]?.replace(/^v/, '') ?? (printed || 'unknown');
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate) && resolve(candidate) !== target) return candidate;
  }
  return null;
}

function fail(message) {
  console.error(`setup-tools: ${message}`);
  process.exit(1);
}

// 1. Already installed?
if (existsSync(target)) {
  const v = vegetaVersion(target);
  if (v === VERSION) {
    console.log(`setup-tools: vegeta ${VERSION} already at ${target} (nothing to do)`);
    process.exit(0);
  }
  console.log(`setup-tools: ${target} reports version ${v ?? '(not runnable)'}; replacing it`);
}
rmSync(target, { force: true }); // also a dangling symlink, which existsSync() does not see
mkdirSync(binDir, { recursive: true });

// 2. A matching vegeta on PATH?
const onPath = findOnPath('vegeta');
if (onPath) {
  const v = vegetaVersion(onPath);
  if (v === VERSION) {
    try {
      symlinkSync(onPath, target);
      console.log(`setup-tools: linked ${target} -> ${onPath} (vegeta ${VERSION} from PATH)`);
    } catch {
      copyFileSync(onPath, target);
      chmodSync(target, 0o755);
      console.log(`setup-tools: copied ${onPath} to ${target} (vegeta ${VERSION} from PATH)`);
    }
    process.exit(0);
  }
  console.log(`setup-tools: ignoring ${onPath}: version ${v ?? 'unknown'}, need ${VERSION}`);
}

// 3. Build it with go install.
const go = goAvailable();
if (!go) {
  fail(
    `vegeta ${VERSION} not found and Go is not installed: install Go >= 1.22 or put vegeta v${VERSION} on PATH, then run \`npm run setup\` again.`,
  );
}
console.log(
  `setup-tools: building vegeta v${VERSION} with ${go} (go install ${MODULE}@v${VERSION}) ...`,
);
const started = Date.now();
const goflags = [process.env.GOFLAGS ?? '', '-mod=mod'].join(' ').trim();
const install = run('go', ['install', `${MODULE}@v${VERSION}`], {
  cwd: binDir, // outside any go.mod, so the pinned version alone decides the build
  env: { ...process.env, GOBIN: binDir, GOFLAGS: goflags },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (install.error || install.status !== 0) {
  const out = `${install.stdout ?? ''}${install.stderr ?? ''}`
    .trim()
    .split('\n')
    .slice(-15)
    .join('\n');
  const reason = install.error ? install.error.message : `exit code ${install.status}`;
  fail(
    `go install failed after ${seconds} s (${reason}). Check the network / GOPROXY (${run('go', ['env', 'GOPROXY']).stdout.trim()}), or put vegeta v${VERSION} on PATH.\n--- go output (last lines) ---\n${out}`,
  );
}
const v = existsSync(target) ? vegetaVersion(target) : null;
if (v !== VERSION) {
  fail(
    `go install finished but ${target} reports version ${v ?? '(missing)'}, expected ${VERSION}`,
  );
}
console.log(`setup-tools: installed vegeta ${VERSION} at ${target} in ${seconds} s`);
