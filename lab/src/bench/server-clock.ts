import { readFileSync } from 'node:fs';

/** Linux reports /proc/stat in clock ticks (USER_HZ): 100 per second on every mainstream kernel. */
const NS_PER_TICK = 1e9 / 100;

/** Running totals, in ns, read at one instant; two of them make a ServerTime. */
export interface ServerClock {
  /** The whole server process on a CPU, every thread (user + system, /proc/<pid>/stat). */
  processNs: number;
  /** The server's main thread on a CPU (schedstat's first field: user + system). */
  runNs: number;
  /** The same thread runnable but waiting for a CPU (schedstat's second field). */
  waitNs: number;
  /** Time the hypervisor ran someone else on the server's CPUs (their average, /proc/stat). */
  stealNs: number;
  wallNs: number;
}

/** What the server did between two readings. */
export interface ServerTime {
  /**
   * CPU time the whole process used, seconds: the main thread and its helpers (the garbage
   * collector's, the CPU profiler's), which on a server pinned to one core all take from it.
   */
  processCpuS: number;
  /** CPU time the main thread used, seconds. */
  mainCpuS: number;
  /**
   * Its share of the time it was on a CPU or waiting for one, out of the wall time the VM was
   * not stolen from its CPUs. About 1 when it always had work (saturated), whoever else shared
   * its core; well below 1 when it waited for requests: the load generator set the pace.
   */
  busy: number;
  /** The share of the wall time the hypervisor took from the server's CPUs. */
  stealShare: number;
}

/**
 * The process `pid` (/proc/<pid>/stat), its main thread (its tid is the pid,
 * /proc/<pid>/task/<pid>/schedstat), and the steal time of the CPUs it is pinned to (`cpus`, a
 * taskset list; null: all of them). Null where /proc has no schedstat (not Linux, or a kernel
 * without CONFIG_SCHED_INFO).
 */
export function readServerClock(pid: number | undefined, cpus: string | null): ServerClock | null {
  if (pid === undefined) return null;
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8')
      .trim()
      .split(' ')
      .map(Number);
    if (run === undefined || wait === undefined) return null;
    return {
      processNs: processNs(pid),
      runNs: run,
      waitNs: wait,
      stealNs: stealNs(cpus),
      wallNs: Number(process.hrtime.bigint()),
    };
  } catch {
    return null;
  }
}

/**
 * `loadS`: how long the load generator sent requests inside the two readings (it measures its
 * own run, without its start-up and report): the server has no work outside it, so that is the
 * time it could have been busy.
 */
export function serverTimeBetween(
  before: ServerClock,
  after: ServerClock,
  loadS: number,
): ServerTime {
  const betweenNs = Math.max(1, after.wallNs - before.wallNs);
  // Steal is counted between the readings; its share of the load's time is taken to be the same.
  const stealShare = Math.min(Math.max(0, after.stealNs - before.stealNs) / betweenNs, 1);
  const loadNs = Math.min(betweenNs, loadS * 1e9);
  const runNs = after.runNs - before.runNs;
  const heldNs = loadNs * (1 - stealShare);
  return {
    processCpuS: (after.processNs - before.processNs) / 1e9,
    mainCpuS: runNs / 1e9,
    busy: heldNs > 0 ? (runNs + after.waitNs - before.waitNs) / heldNs : 0,
    stealShare,
  };
}

/** utime + stime of every thread of the process, ns (fields 14 and 15 of /proc/<pid>/stat). */
function processNs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at ") ".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * NS_PER_TICK;
}

/** CPU numbers of a taskset list ("0", "0-2", "0,3-4"). */
export function cpuNumbers(list: string): number[] {
  return list.split(',').flatMap((part) => {
    const [first, last = first] = part.split('-').map(Number);
    if (
      first === undefined ||
      last === undefined ||
      !Number.isInteger(first) ||
      !Number.isInteger(last) ||
      last < first
    )
      throw new Error(`not a CPU list: ${JSON.stringify(list)}`);
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  });
}

/** Average steal (ns) over `cpus`, from /proc/stat's 8th value per CPU; 0 where there is none. */
function stealNs(cpus: string | null): number {
  const wanted = cpus === null ? null : new Set(cpuNumbers(cpus).map((cpu) => `cpu${cpu}`));
  const steals = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .map((line) => line.split(/\s+/))
    .filter(
      ([name]) =>
        name !== undefined && /^cpu\d+$/.test(name) && (wanted === null || wanted.has(name)),
    )
    .map((fields) => Number(fields[8] ?? 0));
  if (steals.length === 0) return 0;
  return (steals.reduce((sum, steal) => sum + steal, 0) / steals.length) * NS_PER_TICK;
}
