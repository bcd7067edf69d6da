import { readFileSync } from 'node:fs';

/** Linux reports process CPU time in clock ticks; 100 per second on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) the main thread of a process has used so far, from
 * /proc/<pid>/task/<pid>/stat; null where /proc is not available. The main thread is where
 * requests are handled; the other threads (GC helpers, idle worker pools) would add a
 * constant that makes a slower round look costlier per request. CPU per request is the
 * bench's steadiest number on a shared machine: other processes slow the app down, but
 * change what a request costs much less.
 */
export function mainThreadCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
