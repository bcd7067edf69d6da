// Installs the FastAPI twin's locked dependencies into target-fastapi/.venv.
// Importable (`setupPython()`) by the setup orchestrator, and runnable: `node scripts/setup/python.mjs`.
// Cached: the venv carries a stamp with the hash of the lock file and the interpreter version, so
// a second run with the same lock only reads one small file.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const appDir = join(repoRoot, 'target-fastapi');
export const venvDir = join(appDir, '.venv');
export const venvPython = join(venvDir, 'bin', 'python');
/** Runtime and dev dependencies (pytest, ruff, mypy, schemathesis), pinned with hashes. */
export const lockFile = join(appDir, 'requirements-dev.lock');
const stampFile = join(venvDir, '.looplab-lock.sha256');

const wantedMinor = JSON.parse(
  readFileSync(join(repoRoot, 'contract', 'data', 'versions.json'), 'utf8'),
).python;

const log = (message) => console.log(`setup python: ${message}`);

export class PythonSetupError extends Error {
  constructor(message) {
    super(message);
    this.name = 'PythonSetupError';
  }
}

/** `X.Y` of an interpreter, or null when it cannot be run. */
function minorVersionOf(command) {
  const result = spawnSync(
    command,
    ['-c', 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")'],
    {
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
  return result.status === 0 ? result.stdout.trim() : null;
}

/** LOOPLAB_PYTHON if set, else the first of python3.X / python3 / python that is Python X. */
function findPython() {
  const candidates = process.env.LOOPLAB_PYTHON
    ? [process.env.LOOPLAB_PYTHON]
    : [`python${wantedMinor}`, 'python3', 'python'];
  const seen = [];
  for (const command of candidates) {
    const version = minorVersionOf(command);
    if (version === wantedMinor) return command;
    seen.push(`${command}: ${version ?? 'not found'}`);
  }
  throw new PythonSetupError(
    [
      `Python ${wantedMinor} is needed for target-fastapi (contract/data/versions.json) and was not found (${seen.join('; ')}).`,
      `Fix: install it, e.g. \`apt-get install python${wantedMinor} python${wantedMinor}-venv\` (Debian/Ubuntu) or \`pyenv install ${wantedMinor}\`,`,
      `or point LOOPLAB_PYTHON at a python${wantedMinor} binary, then run \`npm run setup\` again.`,
    ].join('\n'),
  );
}

function lockDigest(pythonVersion) {
  return createHash('sha256')
    .update(readFileSync(lockFile))
    .update(`\npython ${pythonVersion}\n${appDir}\n`)
    .digest('hex');
}

function isUpToDate(digest) {
  return (
    existsSync(venvPython) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === digest
  );
}

function run(command, args, what) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (error) =>
      reject(new PythonSetupError(`${what} failed to start: ${error.message}`)),
    );
    child.on('exit', (code, signal) =>
      code === 0
        ? resolvePromise()
        : reject(new PythonSetupError(`${what} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

/**
 * Creates target-fastapi/.venv and installs the lock into it, unless the venv already matches
 * the lock. Returns what it did and how long it took.
 */
export async function setupPython() {
  const started = performance.now();
  const python = findPython();
  const digest = lockDigest(wantedMinor);
  if (isUpToDate(digest)) {
    log(`target-fastapi/.venv is up to date with requirements-dev.lock`);
    return { changed: false, python: venvPython, seconds: (performance.now() - started) / 1000 };
  }
  const packages = readFileSync(lockFile, 'utf8').match(/^[A-Za-z0-9._-]+==/gm)?.length ?? 0;
  log(`creating target-fastapi/.venv with ${python} (Python ${wantedMinor})`);
  rmSync(venvDir, { recursive: true, force: true });
  const venv = spawnSync(python, ['-m', 'venv', venvDir], { encoding: 'utf8' });
  if (venv.status !== 0) {
    throw new PythonSetupError(
      `\`${python} -m venv\` failed: ${venv.stderr.trim()}\nFix: install the venv module (Debian: apt-get install python${wantedMinor}-venv).`,
    );
  }
  log(`installing ${packages} locked packages (hashes checked) from requirements-dev.lock`);
  await run(
    venvPython,
    [
      '-m',
      'pip',
      'install',
      '--require-hashes',
      '--no-deps',
      '--only-binary',
      ':all:',
      '--disable-pip-version-check',
      '--no-input',
      '--progress-bar',
      'off',
      '-q',
      '-r',
      lockFile,
    ],
    'pip install',
  );
  // The app's own package is imported from the source folder (an editable install without a build backend).
  const sitePackages = spawnSync(
    venvPython,
    ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
    {
      encoding: 'utf8',
    },
  ).stdout.trim();
  writeFileSync(join(sitePackages, 'looplab_fastapi.pth'), `${appDir}\n`);
  writeFileSync(stampFile, digest);
  const seconds = (performance.now() - started) / 1000;
  log(`done in ${seconds.toFixed(1)} s: ${venvPython}`);
  return { changed: true, python: venvPython, seconds };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  setupPython().catch((error) => {
    console.error(`setup python: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
