// Where setup puts things, and the pinned versions (contract/data/versions.json, the one place they live).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const toolsDir = join(repoRoot, '.tools');
export const binDir = join(toolsDir, 'bin');

export function readVersions() {
  return JSON.parse(readFileSync(join(repoRoot, 'contract', 'data', 'versions.json'), 'utf8'));
}

/** A setup step that cannot finish; `fix` is the exact command (or action) that makes it pass. */
export class SetupError extends Error {
  constructor(message, fix) {
    super(message);
    this.name = 'SetupError';
    this.fix = fix;
  }
}
