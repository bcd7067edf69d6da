import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isExecutable, onPath } from './executables.js';
import { MissingToolError } from './missing-tool-error.js';

// Same places, same order as scripts/setup/chromium.mjs (setup runs before this is built); a spec checks they agree.
export const CHROMIUM_COMMANDS = ['chromium', 'chromium-browser'];

export const CHROMIUM_FIX =
  'run `npm run setup` as root (it installs chromium with apt-get), or `sudo apt-get install -y chromium`, or set CHROMIUM_PATH to a Chromium binary';

/** Executables inside Playwright's browser cache, newest revision first. */
export function playwrightChromiums(env: NodeJS.ProcessEnv = process.env): string[] {
  const cache = env.PLAYWRIGHT_BROWSERS_PATH || join(homedir(), '.cache', 'ms-playwright');
  let names: string[];
  try {
    names = readdirSync(cache);
  } catch {
    return [];
  }
  const revision = (name: string) => Number(/-(\d+)$/.exec(name)?.[1] ?? 0);
  return names
    .filter((name) => /^chromium(_headless_shell)?-\d+$/.test(name))
    .sort((a, b) => revision(b) - revision(a) || a.localeCompare(b))
    .flatMap((name) => [
      join(cache, name, 'chrome-linux64', 'chrome'),
      join(cache, name, 'chrome-linux', 'chrome'),
      join(cache, name, 'chrome-headless-shell-linux64', 'chrome-headless-shell'),
      join(cache, name, 'chrome-linux', 'headless_shell'),
    ])
    .filter(isExecutable);
}

/** A Chromium for headless tests: $CHROMIUM_PATH, then `chromium`/`chromium-browser` on PATH, then Playwright's cache. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [
    ...(env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : []),
    ...CHROMIUM_COMMANDS.flatMap((name) => onPath(name, env)),
    ...playwrightChromiums(env),
  ];
  const path = candidates.find(isExecutable);
  if (path) return path;
  const where = env.CHROMIUM_PATH
    ? `$CHROMIUM_PATH (${env.CHROMIUM_PATH}) is not executable, and none`
    : 'none';
  throw new MissingToolError(
    'chromium',
    CHROMIUM_FIX,
    `${where} on PATH (${CHROMIUM_COMMANDS.join(', ')}) or in Playwright's browser cache`,
  );
}
