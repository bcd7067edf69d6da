import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
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
    // root may write anywhere, so the permission answer is the file system's as a user gets it;
    // the real case (the load generator's container as another uid) is in stack/test/compose.
    const denied = () => {
      throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
    };
    expect(() =>
      assertWritableParent(join(root, 'reports'), { mkdirSync, accessSync: denied }),
    ).toThrow(EXPECTED);
  });

  it('refuses a path under a file, naming the folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'looplab-out-'));
    made.push(root);
    expect(() => assertWritableParent(join(__filename, 'reports'))).toThrow(
      /cannot write reports under .*reports \((ENOTDIR|EEXIST)/,
    );
  });
});
