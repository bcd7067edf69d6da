// Debian packages the lab runs but does not build: chromium (the HTML report test), redis-server
// (the queue strategy's broker), mmdebstrap (the compose stack's stand-in base image) and wrk (the
// load generator that saturates the app in `looplab bench`).
// Installed with apt-get when missing and running as root; otherwise setup stops with the exact
// command to run.

import { findChromium } from './chromium.mjs';
import { readVersions, SetupError } from './context.mjs';
import { onPath, outputOf, runWithProgress } from './run.mjs';

const PACKAGES = {
  chromium: { debian: () => 'chromium', present: () => findChromium() !== null },
  mmdebstrap: {
    debian: () => readVersions().standins.base.debianPackage,
    present: () => onPath('mmdebstrap').length > 0,
  },
  'redis-server': {
    debian: () => readVersions().redis.debianPackage,
    present: () => onPath('redis-server').length > 0,
  },
  wrk: { debian: () => 'wrk', present: () => onPath('wrk').length > 0 },
};

export const isRoot = () => process.getuid?.() === 0;

/**
 * Debian's redis-server starts a system service on :6379. The lab starts its own Redis on free
 * loopback ports, so that service is only in the way: stop and disable it where that is easy.
 */
function stopRedisService() {
  if (onPath('systemctl').length > 0) outputOf('systemctl', ['disable', '--now', 'redis-server']);
  if (onPath('service').length > 0) outputOf('service', ['redis-server', 'stop']);
}

async function apt(args, label) {
  const r = await runWithProgress(label, 'apt-get', args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.code !== 0)
    throw new SetupError(
      `apt-get ${args.join(' ')} failed:\n${r.tail}`,
      'fix the apt error above, then run `npm run setup` again',
    );
}

/**
 * Installs Debian packages with apt-get as root; not root (or no apt-get): a SetupError with the
 * exact `sudo apt-get install` command.
 */
export async function installDebianPackages(log, debs, hint = '') {
  const command = `apt-get update && apt-get install -y ${debs.join(' ')}`;
  if (!isRoot() || onPath('apt-get').length === 0) {
    throw new SetupError(
      `${debs.join(' and ')} not installed, and setup installs system packages only as root on Debian/Ubuntu`,
      `sudo sh -c '${command}', then run \`npm run setup\` again${hint}`,
    );
  }
  log(`installing ${debs.join(', ')} with apt-get (as root)`);
  await apt(['update', '-qq'], 'apt-get update');
  await apt(['install', '-y', '-qq', ...debs], `apt-get install ${debs.join(' ')}`);
}

/** Ensures every named tool ("chromium", "redis-server", "wrk") is installed. */
export async function setupSystemPackages(log, names) {
  const missing = names.filter((name) => !PACKAGES[name].present());
  if (missing.length === 0) return `${names.join(', ')} already installed`;
  const debs = missing.map((name) => PACKAGES[name].debian());
  const chromiumHint = missing.includes('chromium')
    ? ' (for chromium, setting CHROMIUM_PATH to a Chromium binary also works)'
    : '';
  await installDebianPackages(log, debs, chromiumHint);
  if (missing.includes('redis-server')) stopRedisService();
  const stillMissing = missing.filter((name) => !PACKAGES[name].present());
  if (stillMissing.length > 0)
    throw new SetupError(
      `${stillMissing.join(', ')} still not found after apt-get install`,
      `check \`apt-get install -y ${debs.join(' ')}\``,
    );
  return `installed ${debs.join(', ')} with apt-get`;
}
