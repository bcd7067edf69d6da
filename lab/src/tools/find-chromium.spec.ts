import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findChromium } from './find-chromium.js';
import { REPO_ROOT } from './repo-root.js';

let root: string;

function executable(path: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

/** scripts/setup/chromium.mjs: what `npm run setup` considers "Chromium is installed". */
async function setupsFindChromium(env: NodeJS.ProcessEnv): Promise<string | null> {
  const url = pathToFileURL(join(REPO_ROOT, 'scripts/setup/chromium.mjs')).href;
  const setup = (await import(url)) as { findChromium(env: NodeJS.ProcessEnv): string | null };
  return setup.findChromium(env);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'looplab-find-chromium-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('findChromium', () => {
  const bin = () => join(root, 'bin');
  const cache = () => join(root, 'ms-playwright');
  const env = (extra: NodeJS.ProcessEnv = {}) => ({
    PATH: bin(),
    PLAYWRIGHT_BROWSERS_PATH: cache(),
    ...extra,
  });

  it('looks at CHROMIUM_PATH, then PATH, then the newest Playwright revision, and agrees with setup', async () => {
    const cached = executable(join(cache(), 'chromium-1200', 'chrome-linux64', 'chrome'));
    executable(join(cache(), 'chromium-1100', 'chrome-linux64', 'chrome'));
    expect(findChromium(env())).toBe(cached);
    expect(await setupsFindChromium(env())).toBe(cached);

    const browser = executable(join(bin(), 'chromium-browser'));
    expect(findChromium(env())).toBe(browser);
    expect(await setupsFindChromium(env())).toBe(browser);

    const chosen = executable(join(root, 'elsewhere', 'chrome'));
    expect(findChromium(env({ CHROMIUM_PATH: chosen }))).toBe(chosen);
    expect(await setupsFindChromium(env({ CHROMIUM_PATH: chosen }))).toBe(chosen);
  });

  it('fails naming the install command when there is no Chromium anywhere', async () => {
    expect(() => findChromium(env())).toThrow('apt-get install -y chromium');
    expect(() => findChromium(env())).toThrow('CHROMIUM_PATH');
    expect(await setupsFindChromium(env())).toBeNull();
  });
});
