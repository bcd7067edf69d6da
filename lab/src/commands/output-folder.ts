import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Fails before any load is sent when the report could not be written at the end: the parent
 * folder of run folders (--out) must exist or be creatable, and be writable by this user. In the
 * compose stack that folder is the host's ./reports, bind-mounted; one that Docker creates
 * belongs to root.
 */
export function assertWritableParent(out: string, fs = { mkdirSync, accessSync }): void {
  const folder = resolve(out);
  try {
    fs.mkdirSync(folder, { recursive: true });
    fs.accessSync(folder, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    const uid = process.getuid?.();
    throw new Error(
      `cannot write reports under ${folder} (${code}${uid === undefined ? '' : `, running as uid ${uid}`}): create it as the user that runs looplab (\`mkdir -p ${out}\`) or pass another --out; with the compose stack, run \`mkdir -p reports\` on the host first and add \`--user "$(id -u):$(id -g)"\` to \`docker compose run\` (docs/stack.md)`,
    );
  }
}
