import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertWritableParent } from './output-folder.js';

const EXPECTED =
  /cannot write reports under .*reports \(EACCES.*mkdir -p .*--user "\$\(id -u\):\$\(id -g\)"/;

describe('assertWritableParent', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) {
      chmodSync(dir, 0o755);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates a missing folder and accepts it', () => {
    const root = mkdtempSync(join(tmpdir(), 'looplab-out-'));
    made.push(root);
    assertWritableParent(join(root, 'reports', 'nested'));
    expect(statSync(join(root, 'reports', 'nested')).isDirectory()).toBe(true);
  });

  it('refuses a folder this user cannot write, naming the fix', () => {
    const root = mkdtempSync(join(tmpdir(), 'looplab-out-'));
    made.push(root);
    const target = join(root, 'reports');
    if (process.getuid?.() !== 0) {
      chmodSync(root, 0o555);
      expect(() => assertWritableParent(target)).toThrow(EXPECTED);
      return;
    }
    // root may write anywhere: ask as `nobody` instead, in a child. Node runs TypeScript as is;
    // the copy is an .mts because this workspace's .ts files are CommonJS.
    const module = join(root, 'output-folder.mts');
    copyFileSync(join(__dirname, 'output-folder.ts'), module);
    chmodSync(root, 0o555);
    const child = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import('${module}').then((m) => m.assertWritableParent(${JSON.stringify(target)}))`,
      ],
      { encoding: 'utf8', uid: 65534, gid: 65534 },
    );
    expect(child.status).not.toBe(0);
    expect(child.stderr).toMatch(EXPECTED);
  });

  it('refuses a path under a file, naming the folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'looplab-out-'));
    made.push(root);
    expect(() => assertWritableParent(join(__filename, 'reports'))).toThrow(
      /cannot write reports under .*reports \((ENOTDIR|EEXIST)/,
    );
  });
});
