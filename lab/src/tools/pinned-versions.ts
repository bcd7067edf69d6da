import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The tool pins of contract/data/versions.json that the resolver checks binaries against. */
export interface ToolPins {
  prometheus: { version: string };
  vegeta: { version: string; module: string };
}

export function readToolPins(repoRoot: string): ToolPins {
  return JSON.parse(readFileSync(join(repoRoot, 'contract', 'data', 'versions.json'), 'utf8'));
}
