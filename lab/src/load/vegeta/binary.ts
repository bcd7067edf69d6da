import { VERSIONS } from '@looplab/contract';
import { findTool } from '../../tools/index.js';

export interface VegetaBinary {
  path: string;
  /** e.g. "12.13.0", as the binary (or `go version -m`) reports it. */
  version: string;
}

export const VEGETA_SETUP_HINT = `run \`npm run setup\` to put vegeta v${VERSIONS.vegeta.version} into .tools/bin (needs Go), or put vegeta v${VERSIONS.vegeta.version} on PATH`;

/**
 * The pinned vegeta (contract/data/versions.json), found by the one tool resolver:
 * `<repoRoot>/.tools/bin` first, then PATH. Rejects with the fix (MissingToolError) when there is none.
 */
export async function findVegeta(repoRoot: string): Promise<VegetaBinary> {
  const tool = findTool('vegeta', { repoRoot });
  return { path: tool.path, version: tool.version ?? VERSIONS.vegeta.version };
}
