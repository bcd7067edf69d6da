// Installs the FastAPI twin's locked dependencies into target-fastapi/.venv.
// Importable (`setupPython()`) by the setup orchestrator, and runnable: `node scripts/setup/python.mjs`.
// Cached: the venv carries a stamp with the hash of the lock file, the interpreter version and
// the folder, so a second run with the same lock only reads one small file.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readVersions, repoRoot, SetupError } from './context.mjs';
import { outputOf, runWithProgress } from './run.mjs';

export const appDir = join(repoRoot, 'target-fastapi');
export const venvDir = join(appDir, '.venv');
export const venvPython = join(venvDir, 'bin', 'python');
/** Runtime and dev dependencies (pytest, ruff, mypy, schemathesis), pinned with hashes. */
export const lockFile = join(appDir, 'requirements-dev.lock');
const stampFile = join(venvDir, '.looplab-lock.sha256');
/** Imported from their folders (no build step): `.pth` file name -> folder on the venv's path. */
const sourcePaths = {
  'looplab_fastapi.pth': appDir,
  'looplab_instrument.pth': join(repoRoot, 'instrument', 'python', 'src'),
};

const defaultLog = (message) => console.log(`setup python: ${message}`);

/** `X.Y` of an interpreter, or null when it cannot be run. */
function minorVersionOf(command) {
  const printed = outputOf(command, [
    '-c',
    'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")',
  ]);
  return printed === null ? null : printed.trim();
}

/** LOOPLAB_PYTHON if set, else the first of python3.X / python3 / python that is Python X. */
function findPython(wanted) {
  const candidates = process.env.LOOPLAB_PYTHON
    ? [process.env.LOOPLAB_PYTHON]
    : [`python${wanted}`, 'python3', 'python'];
  const seen = [];
  for (const command of candidates) {
    const version = minorVersionOf(command);
    if (version === wanted) return command;
    seen.push(`${command}: ${version ?? 'not found'}`);
  }
  throw new SetupError(
    `Python ${wanted} is needed for target-fastapi (contract/data/versions.json) and was not found (${seen.join('; ')})`,
    `install it (Debian/Ubuntu: \`apt-get install python${wanted} python${wanted}-venv\`; or \`pyenv install ${wanted}\`), or point LOOPLAB_PYTHON at a python${wanted} binary, then run \`npm run setup\` again`,
  );
}

function lockDigest(pythonVersion) {
  return createHash('sha256')
    .update(readFileSync(lockFile))
    .update(`\npython ${pythonVersion}\n${JSON.stringify(sourcePaths)}\n`)
    .digest('hex');
}

function isUpToDate(digest) {
  return (
    existsSync(venvPython) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === digest
  );
}

async function runOrFail(label, cmd, args, fix) {
  const { code, tail } = await runWithProgress(label, cmd, args);
  if (code !== 0) throw new SetupError(`${label} failed (exit ${code}):\n${tail}`, fix);
}

/**
 * Creates target-fastapi/.venv and installs the lock into it, unless the venv already matches
 * the lock. `log` is the orchestrator's step logger. Returns what it did.
 */
export async function setupPython(log = defaultLog) {
  const wanted = readVersions().python;
  const digest = lockDigest(wanted);
  // The venv's own interpreter answers faster than a pyenv shim; the stamp covers the rest.
  if (isUpToDate(digest) && minorVersionOf(venvPython) === wanted) {
    log('target-fastapi/.venv is up to date with requirements-dev.lock');
    return { changed: false, python: venvPython };
  }
  const python = findPython(wanted);
  const packages = readFileSync(lockFile, 'utf8').match(/^[A-Za-z0-9._-]+==/gm)?.length ?? 0;
  log(`creating target-fastapi/.venv with ${python} (Python ${wanted})`);
  rmSync(venvDir, { recursive: true, force: true });
  await runOrFail(
    `${python} -m venv`,
    python,
    ['-m', 'venv', venvDir],
    `install the venv module (Debian: \`apt-get install python${wanted}-venv\`)`,
  );
  log(`installing ${packages} locked packages (hashes checked) from requirements-dev.lock`);
  await runOrFail(
    'pip install',
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
      '-r',
      lockFile,
    ],
    'check that PyPI is reachable (pip needs it), then run `npm run setup` again',
  );
  // The app's own package and looplab-instrument are imported from their folders: an editable
  // install without a build step.
  const sitePackages = outputOf(venvPython, [
    '-c',
    'import sysconfig; print(sysconfig.get_paths()["purelib"])',
  ]);
  if (sitePackages === null)
    throw new SetupError(
      'the new venv python does not run',
      'rm -rf target-fastapi/.venv and run `npm run setup` again',
    );
  for (const [name, folder] of Object.entries(sourcePaths))
    writeFileSync(join(sitePackages.trim(), name), `${folder}\n`);
  writeFileSync(stampFile, digest);
  log(`ready: ${venvPython}`);
  return { changed: true, python: venvPython };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const started = Date.now();
  setupPython().then(
    () => defaultLog(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`),
    (error) => {
      console.error(`setup python: ${error instanceof Error ? error.message : String(error)}`);
      if (error instanceof SetupError) console.error(`setup python: to fix: ${error.fix}`);
      process.exit(1);
    },
  );
}
