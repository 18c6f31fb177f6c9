/**
 * What Linux reports about a process, for the benchmarks that watch another program: CPU time (utime + stime of
 * /proc/PID/stat, all threads) and resident memory (VmRSS and its peak VmHWM in /proc/PID/status).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** The fields of /proc/PID/stat after the command name (which may hold spaces): [0] state, [1] ppid, [11] utime. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // the process has exited
  }
}

/** CPU time the process has used so far, user + system, in ms; 0 once it has gone. */
function cpuMs(pid: number): number {
  const f = statFields(pid);
  return f ? ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_SECOND : 0;
}

/** The process and its direct children (a PostgreSQL server's postmaster and its backends). */
export function processAndChildren(pid: number): number[] {
  const children = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((child) => statFields(child)?.[1] === String(pid));
  return [pid, ...children];
}

/**
 * Starts counting the CPU a group of processes uses; the returned function gives the ms used since. The group is
 * listed at both ends, so a process that started in between counts whole and one that ended in between is missed.
 */
export function cpuMeter(pids: () => number[]): () => number {
  const before = new Map(pids().map((pid) => [pid, cpuMs(pid)]));
  return () => pids().reduce((sum, pid) => sum + cpuMs(pid) - (before.get(pid) ?? 0), 0);
}

export interface Memory {
  /** Resident now, bytes. */
  rss: number;
  /** The highest resident size so far, bytes. */
  peak: number;
}

export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/**
 * Proportional resident memory (Pss of /proc/PID/smaps_rollup), bytes: pages shared between processes — a
 * PostgreSQL server's shared buffers, mapped by every backend — count once over the group, not once per process.
 * 0 once the process has gone.
 */
export function pssOf(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}
