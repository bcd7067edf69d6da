import { console as inspectorConsole, Session } from 'node:inspector';
import type { CpuProfile } from './cpu-profile.js';

/**
 * A V8 sampling CPU profile of this thread that runs for the life of the process, through
 * the inspector's Profiler domain (never the Debugger domain) on an in-process session.
 *
 * It is read by rotation: the next profile starts before the running one ends, so the
 * profiler never stops and no moment goes unsampled. Starting a profile from a stopped
 * profiler costs 150–400 ms in a NestJS app (V8 logs every compiled function first); with
 * another profile running it costs ~0.2 ms, and ending one ~0.3 ms. The inspector's own
 * console.profile() is the only way to hold two profiles at once (Profiler.start holds one).
 */
/** Profile titles are unique in the process, even with more than one profiler. */
let profilesStarted = 0;

export class ContinuousProfiler {
  private readonly session = new Session();
  private running: string;
  private ending: string | undefined;
  private ended: CpuProfile | undefined;

  constructor(sampleIntervalMs: number) {
    this.session.connect();
    // Same-thread sessions answer synchronously: the event arrives inside profileEnd().
    this.session.on('Profiler.consoleProfileFinished', (message) => {
      if (message.params.title === this.ending) this.ended = message.params.profile as CpuProfile;
    });
    this.post('Profiler.enable');
    this.post('Profiler.setSamplingInterval', { interval: sampleIntervalMs * 1000 });
    this.running = this.nextTitle();
    inspectorConsole.profile(this.running);
  }

  /** Ends the running profile and returns it; the next one is already running. */
  rotate(): CpuProfile | undefined {
    const next = this.nextTitle();
    inspectorConsole.profile(next);
    const ending = this.running;
    this.running = next;
    return this.end(ending);
  }

  /** Ends profiling and returns the last profile. */
  stop(): CpuProfile | undefined {
    const last = this.end(this.running);
    this.post('Profiler.disable');
    this.session.disconnect();
    return last;
  }

  private end(title: string): CpuProfile | undefined {
    this.ending = title;
    this.ended = undefined;
    inspectorConsole.profileEnd(title);
    this.ending = undefined;
    return this.ended;
  }

  private nextTitle(): string {
    profilesStarted += 1;
    return `looplab-stalls-${profilesStarted}`;
  }

  private post(method: string, params?: object): void {
    let failure: Error | null = null;
    this.session.post(method, params, (error) => {
      failure = error;
    });
    if (failure) throw failure;
  }
}
