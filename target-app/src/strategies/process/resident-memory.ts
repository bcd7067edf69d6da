import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes, from /proc/<pid>/status; undefined where unreadable. */
export function residentMemoryBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}
