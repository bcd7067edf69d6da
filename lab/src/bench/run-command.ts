import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** Runs a command to completion and returns its stdout; a non-zero exit is an error with its stderr. */
export async function commandOutput(
  command: string,
  args: readonly string[],
  input = '',
): Promise<string> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.end(input);
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${code}): ${stderr.trim()}`);
  return stdout;
}
