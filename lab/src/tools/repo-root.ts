import { resolve } from 'node:path';

/** The checkout this code runs from: lab/src/tools (tests) and lab/dist/tools (CLI) are both 3 levels down. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
