import { join } from 'node:path';
import type { StallRecord, StallsDocument } from '@looplab/instrument';
import { APP_ROOT } from './app-process.js';

const APP_SOURCES = join(APP_ROOT, 'src');

export async function readStalls(baseUrl: string, since?: number): Promise<StallsDocument> {
  const query = since === undefined ? '' : `?since=${since}`;
  const response = await fetch(`${baseUrl}/looplab/stalls${query}`);
  if (response.status !== 200) throw new Error(`GET /looplab/stalls: ${response.status}`);
  return (await response.json()) as StallsDocument;
}

export interface TopFrame {
  /** function (file:line), the file relative to target-app/src. */
  name: string;
  ms: number;
  /** Of all the stalled time (the stalls' durations, not only the sampled part). */
  share: number;
}

/**
 * Time per app frame: each stack's weight goes to its leaf-most frame in the app's own
 * TypeScript sources (what a user would fix), skipping Node internals and libraries below it.
 */
export function appFrameTimes(stalls: StallRecord[]): TopFrame[] {
  const stalledMs = stalls.reduce((sum, stall) => sum + stall.durationMs, 0);
  const byFrame = new Map<string, number>();
  for (const stall of stalls) {
    for (const stack of stall.stacks) {
      const frame = stack.frames.findLast((f) => f.file.startsWith(APP_SOURCES));
      const name = frame
        ? `${frame.function} (${frame.file.slice(APP_SOURCES.length + 1)}:${frame.line})`
        : '(not app code)';
      byFrame.set(name, (byFrame.get(name) ?? 0) + stack.weightMs);
    }
  }
  return [...byFrame]
    .map(([name, ms]) => ({ name, ms, share: ms / stalledMs }))
    .sort((a, b) => b.ms - a.ms);
}

export function describeStalls(stalls: StallRecord[]): string {
  const total = stalls.reduce((sum, stall) => sum + stall.durationMs, 0);
  const top = appFrameTimes(stalls)
    .slice(0, 3)
    .map((f) => `${f.name} ${(f.share * 100).toFixed(1)} %`)
    .join(', ');
  return `${stalls.length} stalls, ${total.toFixed(0)} ms; classes ${[...new Set(stalls.map((s) => s.class))].join('/')}; top: ${top}`;
}
