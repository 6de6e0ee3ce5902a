import { readdirSync, readFileSync } from 'node:fs';
import type { ProcessUsage } from './results.js';

/** A process to watch; `withChildren` adds its descendants (PostgreSQL's backends, a shell's node). */
export interface WatchedProcess {
  readonly name: string;
  readonly pid: number;
  readonly withChildren?: boolean;
  /** Only the descendants, not `pid` itself (e.g. the containers a bridge process forks). */
  readonly descendantsOnly?: boolean;
}

interface ProcStat {
  readonly ppid: number;
  /** utime + stime, clock ticks. */
  readonly cpuTicks: number;
  readonly rssPages: number;
}

// USER_HZ is 100 on every Linux architecture Node supports.
const TICKS_PER_SECOND = 100;
const PAGE_KIB = 4;

/** Fields of /proc/<pid>/stat after the command name (which may itself contain spaces or parentheses). */
export function parseProcStat(text: string): ProcStat {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After ')': state(0) ppid(1) ... utime(11) stime(12) ... rss(21)
  return {
    ppid: Number(fields[1]),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    rssPages: Number(fields[21]),
  };
}

function readStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

/** Busy and total jiffies of the whole machine, from the first line of /proc/stat. */
export function parseMachineStat(text: string): { busy: number; total: number } {
  const values = (text.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, v) => sum + v, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

function machineStat(): { busy: number; total: number } {
  return parseMachineStat(readFileSync('/proc/stat', 'utf8'));
}

/** Every live pid with its stat, for finding descendants. */
function allStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.set(Number(entry), stat);
  }
  return stats;
}

/** A process group's CPU ticks and RSS right now (the root plus, optionally, its descendants). */
function groupSample(
  watched: WatchedProcess,
  stats: Map<number, ProcStat>,
): { ticks: number; rssKiB: number } {
  const members = new Set<number>([watched.pid]);
  if (watched.withChildren || watched.descendantsOnly) {
    let grew = true;
    while (grew) {
      grew = false;
      for (const [pid, stat] of stats) {
        if (!members.has(pid) && members.has(stat.ppid)) {
          members.add(pid);
          grew = true;
        }
      }
    }
  }
  if (watched.descendantsOnly) members.delete(watched.pid);
  let ticks = 0;
  let rssKiB = 0;
  for (const pid of members) {
    const stat = stats.get(pid);
    if (!stat) continue;
    ticks += stat.cpuTicks;
    rssKiB += stat.rssPages * PAGE_KIB;
  }
  return { ticks, rssKiB };
}

/**
 * Samples CPU and RSS of named processes and of the whole machine while a benchmark runs. CPU is the average
 * over the sampled span; RSS is the highest sample. Processes that exit keep the figures of their last sample.
 */
export class ProcessSampler {
  private readonly first = new Map<string, number>();
  private readonly last = new Map<string, number>();
  private readonly peakRssKiB = new Map<string, number>();
  private machineFirst = { busy: 0, total: 0 };
  private machineLast = { busy: 0, total: 0 };
  private startedAt = 0;
  private stoppedAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly processes: readonly WatchedProcess[],
    private readonly intervalMs = 250,
  ) {}

  start(): this {
    this.startedAt = performance.now();
    this.machineFirst = machineStat();
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), this.intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): { processes: ProcessUsage[]; machineCpuPercent: number } {
    if (this.timer) clearInterval(this.timer);
    this.sample(false);
    this.machineLast = machineStat();
    this.stoppedAt = performance.now();
    const seconds = Math.max(0.001, (this.stoppedAt - this.startedAt) / 1000);
    const processes = this.processes.map(({ name }) => {
      const ticks = (this.last.get(name) ?? 0) - (this.first.get(name) ?? 0);
      return {
        name,
        cpuPercent: round((ticks / TICKS_PER_SECOND / seconds) * 100),
        peakRssMiB: round((this.peakRssKiB.get(name) ?? 0) / 1024),
      };
    });
    const busy = this.machineLast.busy - this.machineFirst.busy;
    const total = this.machineLast.total - this.machineFirst.total;
    return { processes, machineCpuPercent: total > 0 ? round((busy / total) * 100) : 0 };
  }

  private sample(initial: boolean): void {
    const needsTree = this.processes.some((p) => p.withChildren || p.descendantsOnly);
    const stats = needsTree ? allStats() : undefined;
    for (const watched of this.processes) {
      const own = stats ?? new Map<number, ProcStat>();
      if (!stats) {
        const stat = readStat(watched.pid);
        if (stat) own.set(watched.pid, stat);
      }
      if (!own.has(watched.pid)) continue;
      const { ticks, rssKiB } = groupSample(watched, own);
      if (initial) this.first.set(watched.name, ticks);
      // A group can lose members (a backend exits) and so report fewer ticks; never count backwards.
      this.last.set(watched.name, Math.max(ticks, this.last.get(watched.name) ?? 0));
      this.peakRssKiB.set(watched.name, Math.max(rssKiB, this.peakRssKiB.get(watched.name) ?? 0));
    }
  }
}

/** Resident set size now (VmRSS), MiB; undefined once the process has exited. */
export function rssOfProcessMiB(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Least-squares slope of RSS over time (MiB per minute) for the samples at or after `fromSeconds`, with the
 * growth it amounts to over that span: a flat series (no leak) has a slope near 0 whatever its GC sawtooth.
 */
export function rssTrend(
  samples: readonly (readonly [seconds: number, rssMiB: number, ...rest: number[]])[],
  fromSeconds: number,
): { slopeMiBPerMinute: number; growthMiB: number; samples: number } {
  const tail = samples.filter(([t]) => t >= fromSeconds);
  if (tail.length < 2) return { slopeMiBPerMinute: 0, growthMiB: 0, samples: tail.length };
  const n = tail.length;
  const meanT = tail.reduce((sum, [t]) => sum + t, 0) / n;
  const meanR = tail.reduce((sum, [, r]) => sum + r, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const [t, r] of tail) {
    covariance += (t - meanT) * (r - meanR);
    variance += (t - meanT) ** 2;
  }
  const slopePerSecond = variance > 0 ? covariance / variance : 0;
  const span = (tail.at(-1)?.[0] ?? 0) - (tail[0]?.[0] ?? 0);
  return {
    slopeMiBPerMinute: round(slopePerSecond * 60),
    growthMiB: round(slopePerSecond * span),
    samples: n,
  };
}

/** Peak RSS over the process's life (VmHWM), MiB; undefined once it has exited. */
export function peakRssOfProcessMiB(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
