import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findTool } from './find-tool.js';
import { MissingToolError } from './missing-tool-error.js';
import { readToolPins } from './pinned-versions.js';
import { REPO_ROOT } from './repo-root.js';

const PINNED = readToolPins(REPO_ROOT).prometheus.version;
let root: string;

/** A stand-in executable that prints what `prometheus --version` prints. */
function fakeTool(dir: string, name: string, versionLine: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho '${versionLine}'\n`);
  chmodSync(path, 0o755);
  return path;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'looplab-find-tool-'));
  mkdirSync(join(root, 'contract', 'data'), { recursive: true });
  copyFileSync(
    join(REPO_ROOT, 'contract/data/versions.json'),
    join(root, 'contract/data/versions.json'),
  );
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('findTool', () => {
  it('takes .tools/bin before PATH', () => {
    const own = fakeTool(
      join(root, '.tools', 'bin'),
      'promtool',
      `promtool, version ${PINNED} (branch: HEAD)`,
    );
    const onPath = join(root, 'usr-bin');
    fakeTool(onPath, 'promtool', `promtool, version ${PINNED} (branch: HEAD)`);
    expect(findTool('promtool', { repoRoot: root, env: { PATH: onPath } })).toEqual({
      path: own,
      version: PINNED,
    });
  });

  it('passes over a binary of another version and names it and the fix', () => {
    const onPath = join(root, 'usr-bin');
    const old = fakeTool(
      onPath,
      'prometheus',
      'prometheus, version 2.42.0+ds (branch: debian/sid)',
    );
    const find = () => findTool('prometheus', { repoRoot: root, env: { PATH: onPath } });
    expect(find).toThrow(MissingToolError);
    expect(find).toThrow(`passed over ${old} (version 2.42.0+ds)`);
    expect(find).toThrow(`To fix: run \`npm run setup\``);
  });

  it('finds a pinned version on PATH when .tools/bin has none', () => {
    const onPath = join(root, 'usr-bin');
    const path = fakeTool(onPath, 'prometheus', `prometheus, version ${PINNED} (branch: HEAD)`);
    expect(findTool('prometheus', { repoRoot: root, env: { PATH: onPath } }).path).toBe(path);
  });

  it('takes any redis-server on PATH and says how to install one when there is none', () => {
    const onPath = join(root, 'usr-bin');
    expect(() => findTool('redis-server', { repoRoot: root, env: { PATH: onPath } })).toThrow(
      'apt-get install -y redis-server',
    );
    const path = fakeTool(onPath, 'redis-server', 'Redis server v=7.0.15');
    expect(findTool('redis-server', { repoRoot: root, env: { PATH: onPath } })).toEqual({
      path,
      version: null,
    });
  });
});
