// Builds a workspace when its output is missing or older than its sources, after the workspaces
// it depends on (the contract first), so each README command works right after `npm ci`:
//   node scripts/ensure-built.mjs <workspace folder> [<entry file, relative to it>]
// Without an entry file, the workspace's package.json "main" (or its one "bin") is the output.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_FOLDERS = ['src', 'data', 'scripts'];

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** Workspace package name -> folder, from the root package.json. */
function workspaces() {
  const byName = new Map();
  for (const folder of readJson(join(root, 'package.json')).workspaces) {
    byName.set(readJson(join(root, folder, 'package.json')).name, folder);
  }
  return byName;
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function outputOf(folder) {
  const pkg = readJson(join(root, folder, 'package.json'));
  const bin = typeof pkg.bin === 'string' ? pkg.bin : Object.values(pkg.bin ?? {})[0];
  return pkg.main ?? bin ?? 'dist/index.js';
}

/** Builds `folder`'s workspace dependencies, then it, when stale; returns whether anything was built. */
function ensureBuilt(folder, entry, all, seen = new Set()) {
  if (seen.has(folder)) return false;
  seen.add(folder);
  const pkg = readJson(join(root, folder, 'package.json'));
  let built = false;
  for (const dependency of Object.keys(pkg.dependencies ?? {})) {
    const dependencyFolder = all.get(dependency);
    if (dependencyFolder)
      built = ensureBuilt(dependencyFolder, outputOf(dependencyFolder), all, seen) || built;
  }
  const output = join(root, folder, entry);
  const sources = Math.max(...SOURCE_FOLDERS.map((name) => newestMtime(join(root, folder, name))));
  if (!built && existsSync(output) && statSync(output).mtimeMs >= sources) return false;
  process.stderr.write(`looplab: building ${folder}...\n`);
  execFileSync('npm', ['run', 'build', '--workspace', folder], { cwd: root, stdio: 'inherit' });
  return true;
}

const [folder, entry] = process.argv.slice(2);
if (!folder || !existsSync(join(root, folder, 'package.json'))) {
  console.error('usage: node scripts/ensure-built.mjs <workspace folder> [<entry file>]');
  process.exit(2);
}
ensureBuilt(folder, entry ?? outputOf(folder), workspaces());
