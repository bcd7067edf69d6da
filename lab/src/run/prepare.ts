import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { findVegeta, type VegetaBinary } from '../load/vegeta/index.js';

/**
 * Builds the target app if its dist/ is stale (not needed when driving an app that is already
 * running) and finds the pinned load generator.
 */
export async function prepareTools(repoRoot: string, buildApp = true): Promise<VegetaBinary> {
  if (buildApp) {
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'ensure-built.mjs'), 'target-app'], {
      stdio: 'inherit',
    });
  }
  return findVegeta(repoRoot);
}

/**
 * An AbortSignal that fires on Ctrl-C or SIGTERM while `work` runs, so attacks and apps are
 * stopped cleanly; an interrupted run rejects with "interrupted" (exit 130).
 */
export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work(abort.signal).catch((error: unknown) => {
      throw abort.signal.aborted ? new Error('interrupted') : error;
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
