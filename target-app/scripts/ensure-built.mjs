// Builds the app (and the contract and @looplab/instrument it imports) when a dist/ is missing or
// older than any of its source files, so `npm start` just works.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The app and the workspaces it imports, in build order: each is rebuilt when stale. */
const packages = [
  { dir: join(root, '..', 'contract'), entry: 'dist/index.js' },
  { dir: join(root, '..', 'instrument', 'node'), entry: 'dist/index.js' },
  { dir: root, entry: 'dist/main.js' },
];
for (const { dir, entry } of packages) {
  const built = join(dir, entry);
  if (!existsSync(built) || statSync(built).mtimeMs < newestMtime(join(dir, 'src'))) {
    process.stderr.write(`looplab: building ${dir}...\n`);
    execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: 'inherit' });
  }
}
