// Where a Chromium for the HTML report test can be: the same places, in the same order, as
// lab/src/tools/find-chromium.ts (a spec checks that the two agree). Setup is plain Node and runs
// before the TypeScript is built, so it cannot import that file.
import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isExecutable, onPath } from './run.mjs';

export const CHROMIUM_COMMANDS = ['chromium', 'chromium-browser'];

/** Executables inside Playwright's browser cache, newest revision first. */
export function playwrightChromiums(env = process.env) {
  const cache = env.PLAYWRIGHT_BROWSERS_PATH || join(homedir(), '.cache', 'ms-playwright');
  let names;
  try {
    names = readdirSync(cache);
  } catch {
    return [];
  }
  const revision = (name) => Number(/-(\d+)$/.exec(name)?.[1] ?? 0);
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

/** The first Chromium found: $CHROMIUM_PATH, then `chromium`/`chromium-browser` on PATH, then Playwright's cache. */
export function findChromium(env = process.env) {
  const candidates = [
    ...(env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : []),
    ...CHROMIUM_COMMANDS.flatMap((name) => onPath(name, env)),
    ...playwrightChromiums(env),
  ];
  return candidates.find(isExecutable) ?? null;
}
