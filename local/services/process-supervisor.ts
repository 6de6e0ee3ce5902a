import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** What a pid file records: enough to recognise our own process even if the pid was reused. */
export interface PidRecord {
  readonly pid: number;
  /** A string that must appear in /proc/<pid>/cmdline (e.g. the service's config path). */
  readonly marker: string;
  readonly startedAt: string;
}

export class ServiceStartError extends Error {
  constructor(
    readonly service: string,
    message: string,
    readonly logTail: string,
  ) {
    super(`${service}: ${message}`);
    this.name = 'ServiceStartError';
  }
}

export interface DetachedProcessSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly pidFile: string;
  readonly marker: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly uid?: number;
  readonly gid?: number;
}

/** Starts a process that outlives this one (own session, output to its log file) and records its pid. */
export function startDetached(spec: DetachedProcessSpec): PidRecord {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(dirname(spec.pidFile), { recursive: true });
  const out = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, [...spec.args], {
      detached: true,
      stdio: ['ignore', out, out],
      env: spec.env ?? process.env,
      ...(spec.cwd ? { cwd: spec.cwd } : {}),
      ...(spec.uid !== undefined ? { uid: spec.uid } : {}),
      ...(spec.gid !== undefined ? { gid: spec.gid } : {}),
    });
    if (child.pid === undefined) throw new Error(`could not spawn ${spec.command}`);
    child.unref();
    const record: PidRecord = { pid: child.pid, marker: spec.marker, startedAt: new Date().toISOString() };
    writeFileSync(spec.pidFile, `${JSON.stringify(record)}\n`);
    return record;
  } finally {
    closeSync(out);
  }
}

export function readPidRecord(pidFile: string): PidRecord | undefined {
  if (!existsSync(pidFile)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(pidFile, 'utf8')) as PidRecord;
    return Number.isInteger(parsed.pid) && typeof parsed.marker === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** True when the pid is alive AND is still the process we started (its command line carries our marker). */
export function isOurProcessAlive(record: PidRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8');
    if (cmdline === '') return false; // a zombie awaiting its parent
    const state = /State:\s+(\w)/.exec(readFileSync(`/proc/${record.pid}/status`, 'utf8'))?.[1];
    return state !== 'Z' && cmdline.includes(record.marker);
  } catch {
    // No /proc (not Linux): the signal check above is the best we have.
    return process.platform !== 'linux';
  }
}

/**
 * Waits until `pid` is gone (exited and reaped). A SIGKILLed JVM loses its command line (so isOurProcessAlive
 * says no) before its last thread has closed its sockets, and PostgreSQL refuses to start while the pid in
 * its lock file still exists: a server started in that gap fails. Bounded, since the pid might be reused.
 */
export async function waitForExit(pid: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(100);
  }
}

/**
 * The stop signal (the server's own clean shutdown), wait for the exit, then SIGKILL once `graceMs` is over
 * (Infinity: never). Only ever called with a pid from our own pid file.
 */
export async function stopProcess(
  record: PidRecord,
  graceMs: number,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<'stopped' | 'killed' | 'absent'> {
  if (!isOurProcessAlive(record)) return 'absent';
  process.kill(record.pid, signal);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isOurProcessAlive(record)) {
      await waitForExit(record.pid);
      return 'stopped';
    }
    await sleep(200);
  }
  process.kill(record.pid, 'SIGKILL');
  await waitForExit(record.pid);
  return 'killed';
}

export function removePidFile(pidFile: string): void {
  rmSync(pidFile, { force: true });
}

export function isPortOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = createConnection({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolvePromise(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function tailFile(file: string, lines = 40): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  const content = readFileSync(file, 'utf8').trimEnd().split('\n');
  return content.slice(-lines).join('\n');
}

/** RSS of a live process in MiB, from /proc (undefined where unavailable). */
export function residentMemoryMiB(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}
