/**
 * The README's default command, `npm start` (demo on, console on), in a real terminal (tmux, a pseudo-terminal),
 * with HTTP traffic flowing, stopped the three ways a user stops it: Ctrl-C, Ctrl-C with the output piped
 * through `tee` (the same Ctrl-C ends tee: every later write to stdout fails), and a closed terminal (SIGHUP).
 * Each time, within 10 s: every process of the job gone, each service stopped by its own clean shutdown (its
 * log says so, nothing was SIGKILLed, its status is stopped), and no WARN or ERROR line in the output. A clean
 * start prints none either; a second Ctrl-C forces.
 *
 * The test stops this suite's services first so that `npm start` starts them itself, and brings them back
 * at the end. It never touches services of another LOCAL_STATE_DIR.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalService, ServiceName } from '../../local/services/local-service.js';
import {
  bringDown,
  bringUp,
  createLocalServices,
  statusOf,
  survivingProcesses,
} from '../../local/services/service-runner.js';
import { repoRoot } from '../../tools/repo-root.js';
import { services } from '../support/local-services.js';
import { Traffic, waitFor } from './support.js';

const socket = `ctrl-c-${process.pid}`;
const log = (message: string) => console.error(`[ctrl-c] ${message}`);
const tmux = (...args: string[]) =>
  execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' }).trim();
const ownServices = createLocalServices(services);
/** What a user may expect of a stop, however it was asked for. */
const STOP_BUDGET_SECONDS = 10;

/** The line each service's own log ends its clean shutdown with (a SIGKILL leaves none). */
const CLEAN_SHUTDOWN: Record<ServiceName, RegExp> = {
  kafka: /Kafka Request Handler on Controller \d+\] shut down completely/,
  cassandra: /Cassandra shutdown complete/,
  postgres: /received fast shutdown request[\s\S]*database system is shut down/,
};

afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // already gone
  }
  await bringUp(ownServices, log);
});

/** Lines a user would read as trouble: plain `WARN`/`ERROR` words or structured log levels. */
function troubleLines(output: string): string[] {
  return output.split('\n').filter((line) => /\b(WARN|WARNING|ERROR)\b|"level":"(WARN|ERROR)"/.test(line));
}

/** Every process below `pid` (by /proc's parent links), the services `npm start` launched included. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      // "pid (comm) state ppid ...": comm may hold spaces, so split after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of parents.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Sizes of the services' logs now: what they write after this is the stop's. */
function logOffsets(): Map<LocalService, number> {
  return new Map(ownServices.map((s) => [s, existsSync(s.logFile) ? statSync(s.logFile).size : 0]));
}

interface RunningJob {
  readonly session: string;
  /** The terminal's whole output (tmux pipe-pane). */
  readonly terminal: string;
  /** What the terminal showed up to the stop. */
  readonly started: string;
  /** Where `tee` writes, when the output is piped through it. */
  readonly teeFile: string;
  readonly traffic: Traffic;
}

/**
 * Services down, then `npm start` (its default options; only the ports are this suite's own) typed into a
 * fresh tmux session, its output piped through `tee` if asked; returns once a status line reports processed
 * records and the HTTP traffic has been answered 202 a few times.
 */
async function startInTerminal(
  session: string,
  options: { readonly tee?: boolean } = {},
): Promise<RunningJob> {
  await bringDown(ownServices, log);
  expect(survivingProcesses(ownServices)).toEqual([]);
  const dir = mkdtempSync(join(tmpdir(), 'ctrl-c-'));
  const terminal = join(dir, 'terminal.log');
  const teeFile = join(dir, 'run.log');
  const port = 3950 + Math.floor(Math.random() * 40);
  tmux('new-session', '-d', '-s', session, '-x', '220', '-y', '50', 'bash', '--norc', '--noprofile');
  tmux('set-option', '-t', session, 'remain-on-exit', 'on');
  tmux('pipe-pane', '-t', session, '-o', `cat >> ${terminal}`);
  // Each prompt reports the exit status of every command of the last pipeline.
  tmux('send-keys', '-t', session, `PROMPT_COMMAND='echo "[shell] exit status \${PIPESTATUS[*]}"'`, 'Enter');
  const env = [
    'LOCAL_STATE_DIR',
    'LOCAL_JAR_CACHE',
    'KAFKA_BROKERS',
    'KAFKA_CONTROLLER_PORT',
    'CASSANDRA_PORT',
    'CASSANDRA_STORAGE_PORT',
    'PGPORT',
    'CASSANDRA_CONTACT_POINTS',
    'PATH',
  ]
    .filter((name) => process.env[name] !== undefined)
    .map((name) => `${name}='${process.env[name]}'`)
    .join(' ');
  tmux(
    'send-keys',
    '-t',
    session,
    // Not exec'd: the shell stays the session leader, npm runs as its foreground job, as in a terminal.
    `cd '${repoRoot}' && env ${env} npm start -- --port ${port} --invoke-port 0 --console-port 0${options.tee ? ` | tee '${teeFile}'` : ''}`,
    'Enter',
  );
  const shown = () => readFileSync(terminal, 'utf8');
  await waitFor('the pipeline banner', () => shown().includes('Pipeline running.'), 240_000);
  const traffic = new Traffic(`http://127.0.0.1:${port}`);
  traffic.start(2);
  // The demo pulls and the traffic keep the processor's pool and the bridge busy when the stop comes.
  await waitFor('202 answers and processed records', () => {
    return (traffic.statuses.get(202) ?? 0) >= 20 && /processed [1-9]/.test(shown());
  });
  expect(
    survivingProcesses(ownServices)
      .map((p) => p.name)
      .sort(),
  ).toEqual(['cassandra', 'kafka', 'postgres']);
  return { session, terminal, started: shown(), teeFile, traffic };
}

/**
 * Asks the running job to stop (`stop`), then waits for every process of the job and every service to be
 * gone; checks the time, each service's clean shutdown and status. Returns what the terminal showed after
 * the stop (nothing, once the terminal is closed).
 */
async function stopAndCheck(job: RunningJob, how: string, stop: () => void): Promise<string> {
  const shell = Number(tmux('display-message', '-p', '-t', job.session, '#{pane_pid}'));
  const processes = descendants(shell);
  const offsets = logOffsets();
  const askedAt = Date.now();
  stop();
  await waitFor(
    'every process of the job to exit',
    () => processes.every((pid) => !isAlive(pid)) && survivingProcesses(ownServices).length === 0,
    120_000,
  );
  const seconds = (Date.now() - askedAt) / 1_000;
  await job.traffic.stop();
  const after = readFileSync(job.terminal, 'utf8').slice(job.started.length);
  log(`${how}: ${processes.length} processes and the services gone in ${seconds.toFixed(1)} s`);
  log(`traffic answers: ${JSON.stringify(Object.fromEntries(job.traffic.statuses))}`);
  log(after.split('\n').slice(-12).join('\n'));
  for (const [service, offset] of offsets) {
    const stopLog = readFileSync(service.logFile, 'utf8').slice(offset);
    expect(stopLog, `${service.name}'s log after the stop`).toMatch(CLEAN_SHUTDOWN[service.name]);
    expect((await statusOf(service)).state).toBe('stopped');
  }
  expect(after).not.toMatch(/killed pid/);
  expect(troubleLines(after)).toEqual([]);
  expect(seconds).toBeLessThanOrEqual(STOP_BUDGET_SECONDS);
  return after;
}

/** The exit statuses of the job's commands, as the shell reported them once npm start returned. */
function shellStatuses(job: RunningJob): string[] | undefined {
  const afterStart = readFileSync(job.terminal, 'utf8').slice(job.started.length);
  return /\[shell\] exit status ([\d ]+)/.exec(afterStart)?.[1]?.trim().split(' ');
}

/**
 * One Ctrl-C: SIGINT to the whole foreground process group, as the terminal sends it. The pipeline exits 0
 * once everything is stopped; npm then re-raises the SIGINT it received on itself, which the shell reports
 * as 130 (npm's own behaviour), so 0 and 130 are both a clean stop.
 */
const pressCtrlC = (job: RunningJob) => () => tmux('send-keys', '-t', job.session, 'C-c');

describe('npm start in a terminal, under traffic', () => {
  it('one Ctrl-C stops everything it started, cleanly, within 10 s; no WARN/ERROR from start to end', async () => {
    const job = await startInTerminal('one-ctrl-c');
    expect(troubleLines(job.started)).toEqual([]);
    const after = await stopAndCheck(job, 'Ctrl-C', pressCtrlC(job));
    expect(after).toMatch(/\[start\] stopped in [\d.]+ s/);
    expect(after).toMatch(/postgres: stopped pid/);
    await waitFor('the shell prompt', () => shellStatuses(job) !== undefined, 10_000);
    expect(['0', '130']).toContain(shellStatuses(job)?.[0]);
  });

  it('`npm start | tee run.log`: the Ctrl-C that ends tee still stops everything cleanly within 10 s', async () => {
    const job = await startInTerminal('tee', { tee: true });
    const after = await stopAndCheck(job, 'Ctrl-C with | tee', pressCtrlC(job));
    // stderr still reaches the terminal: the stop's own report is there.
    expect(after).toMatch(/\[start\] stopped in [\d.]+ s/);
    expect(readFileSync(job.teeFile, 'utf8')).toContain('Pipeline running.');
  });

  it('a closed terminal (SIGHUP) stops everything cleanly within 10 s', async () => {
    const job = await startInTerminal('hangup');
    expect(troubleLines(job.started)).toEqual([]);
    // The terminal goes away: its shell gets SIGHUP and passes it on to its job; every later write fails.
    await stopAndCheck(job, 'closed terminal', () => tmux('kill-session', '-t', job.session));
  });

  it('a second Ctrl-C forces the stop: SIGKILL to what it started', async () => {
    const job = await startInTerminal('two-ctrl-c');
    tmux('send-keys', '-t', job.session, 'C-c');
    // A second Ctrl-C well after the first (repeats within a second are the same Ctrl-C, relayed by npm).
    await new Promise((r) => setTimeout(r, 1_500));
    tmux('send-keys', '-t', job.session, 'C-c');
    await waitFor('npm start to exit', () => shellStatuses(job) !== undefined, 60_000);
    await job.traffic.stop();
    const terminal = readFileSync(job.terminal, 'utf8');
    log(terminal.split('\n').slice(-8).join('\n'));
    expect(terminal).toContain('second SIGINT: forcing the stop');
    expect(shellStatuses(job)?.[0]).toBe('130');
    expect(survivingProcesses(ownServices)).toEqual([]);
  });
});
