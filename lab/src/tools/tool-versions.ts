import { spawnSync } from 'node:child_process';

function outputOf(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
  return r.error || r.status !== 0 ? null : `${r.stdout}${r.stderr}`;
}

/** "3.13.2" from `prometheus --version` / `promtool --version` ("prometheus, version 3.13.2 (branch: ...)"). */
export function prometheusVersion(bin: string): string | null {
  return /version (\d+\.\d+\.\d+\S*)/.exec(outputOf(bin, ['--version']) ?? '')?.[1] ?? null;
}

/**
 * "12.13.0" from `vegeta -version` ("Version: v12.13.0"). A vegeta built without -ldflags prints
 * no version; then the module version Go recorded in the binary (`go version -m`) tells.
 */
export function vegetaVersion(bin: string, module: string): string | null {
  const printed = outputOf(bin, ['-version']);
  if (printed === null) return null;
  const stamped = /^Version:[ \t]*v?(\d+\.\d+\.\d+\S*)/m.exec(printed)?.[1];
  if (stamped) return stamped;
  for (const line of (outputOf('go', ['version', '-m', bin]) ?? '').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'mod' && f[1] === module && f[2]) return f[2].replace(/^v/, '');
  }
  return 'unknown';
}
