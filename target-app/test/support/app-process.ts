import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Child, listeningPort } from '@looplab/lab/src/process/child-process.js';

export const APP_ROOT = join(__dirname, '..', '..');

export interface LogLine {
  level?: string;
  msg?: string;
  [key: string]: unknown;
}

export interface AppProcess {
  url: string;
  port: number;
  child: ChildProcess;
  logs: LogLine[];
  stderr: () => string;
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Sends the signal and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts the built app (dist/) as a real process on an ephemeral loopback port, with the lab's
 * process helper (lab/src/process): its JSON log lines parsed as they come, stderr kept.
 */
export async function startApp(
  env: Record<string, string> = {},
  timeoutMs = 20_000,
): Promise<AppProcess> {
  const app = new Child({
    name: 'the target app',
    command: process.execPath,
    args: ['--import', './dist/telemetry/register.js', 'dist/main.js'],
    cwd: APP_ROOT,
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
  });
  const { child } = app;
  running.add(child);
  child.once('exit', () => running.delete(child));

  const logs: LogLine[] = [];
  const stderr: string[] = [];
  app.output.onLine((line, stream) => {
    if (stream === 'stderr') {
      stderr.push(line);
      return;
    }
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      logs.push({ msg: line, raw: true });
    }
  });
  const stderrText = () => stderr.join('\n');

  const waitForLog = (predicate: (line: LogLine) => boolean, waitMs = 10_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = logs.find(predicate);
        if (!found) return;
        cleanup();
        resolve(found);
      };
      const onExit = () => {
        cleanup();
        reject(new Error(`app exited before the expected log line; stderr:\n${stderrText()}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `timed out waiting for a log line; last logs:\n${JSON.stringify(logs.slice(-5), null, 1)}\nstderr:\n${stderrText()}`,
          ),
        );
      }, waitMs);
      const stopWatching = app.output.onLine(() => check());
      const cleanup = () => {
        clearTimeout(timer);
        stopWatching();
        child.off('exit', onExit);
      };
      child.once('exit', onExit);
      check();
    });

  const port = await app.waitForLine(
    listeningPort('looplab target app listening'),
    'start listening',
    timeoutMs,
  );
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    logs,
    stderr: stderrText,
    waitForLog,
    stop: (signal: NodeJS.Signals = 'SIGTERM') => app.stop(15_000, signal),
  };
}
