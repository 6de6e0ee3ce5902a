/**
 * `npm start` in a real terminal (tmux, a pseudo-terminal): a clean start prints no WARN or ERROR line, and
 * one Ctrl-C (SIGINT to the whole foreground process group: npm, tsx and the pipeline) drains the bridge,
 * stops the services it started and exits 0; afterwards no process from the pid files is alive.
 *
 * The test stops this suite's services first so that `npm start` starts them itself, and brings them back
 * at the end. It never touches services of another LOCAL_STATE_DIR.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../local/services/config.js';
import {
  bringDown,
  bringUp,
  createLocalServices,
  survivingProcesses,
} from '../../local/services/service-runner.js';
import { services } from '../support/local-services.js';
import { waitFor } from './support.js';

const socket = `ctrl-c-${process.pid}`;
const log = (message: string) => console.error(`[ctrl-c] ${message}`);
const tmux = (...args: string[]) =>
  execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' }).trim();
const ownServices = createLocalServices(services);

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

/** Services down, then `npm start` typed into a fresh tmux session; returns once it printed a status line. */
async function startInTerminal(session: string): Promise<{ output: string; started: string }> {
  await bringDown(ownServices, log);
  expect(survivingProcesses(ownServices)).toEqual([]);
  const output = join(mkdtempSync(join(tmpdir(), 'ctrl-c-')), 'terminal.log');
  const port = 3950 + Math.floor(Math.random() * 40);
  tmux('new-session', '-d', '-s', session, '-x', '220', '-y', '50', 'bash', '--norc', '--noprofile');
  tmux('set-option', '-t', session, 'remain-on-exit', 'on');
  tmux('pipe-pane', '-t', session, '-o', `cat >> ${output}`);
  // Each prompt reports the last command's exit status (bash drops the rest of a line after a SIGINT).
  tmux('send-keys', '-t', session, `PROMPT_COMMAND='echo "[shell] exit status $?"'`, 'Enter');
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
    `cd '${repoRoot}' && env ${env} npm start -- --no-demo --port ${port} --invoke-port 0`,
    'Enter',
  );
  await waitFor(
    'the pipeline banner',
    () => readFileSync(output, 'utf8').includes('Pipeline running.'),
    240_000,
  );
  // One summary line, so the start is complete, then Ctrl-C as a user would type it.
  await waitFor('a status line', () => readFileSync(output, 'utf8').includes('| lag '), 60_000);
  const started = readFileSync(output, 'utf8');
  expect(
    survivingProcesses(ownServices)
      .map((p) => p.name)
      .sort(),
  ).toEqual(['cassandra', 'kafka', 'postgres']);
  return { output, started };
}

/** The exit status the shell reported after `npm start` returned, once it has. */
function exitStatus(output: string, started: string): string | undefined {
  return /\[shell\] exit status (\d+)/.exec(readFileSync(output, 'utf8').slice(started.length))?.[1];
}

describe('npm start in a terminal', () => {
  it('starts without WARN/ERROR lines and stops everything it started on one Ctrl-C, exit 0', async () => {
    const session = 'one-ctrl-c';
    const { output, started } = await startInTerminal(session);
    expect(troubleLines(started)).toEqual([]);
    const pressedAt = Date.now();
    tmux('send-keys', '-t', session, 'C-c');
    await waitFor('npm start to exit', () => exitStatus(output, started) !== undefined, 120_000);
    const seconds = (Date.now() - pressedAt) / 1_000;
    const terminal = readFileSync(output, 'utf8');
    log(`npm start returned ${exitStatus(output, started)} ${seconds.toFixed(1)} s after Ctrl-C`);
    log(terminal.split('\n').slice(-8).join('\n'));
    // The pipeline itself exits 0 once everything is stopped; npm then re-raises the SIGINT it received on
    // itself, which the shell reports as 130 (npm's own behaviour), so 0 and 130 are both a clean stop.
    expect(terminal).toMatch(/\[start\] stopped in [\d.]+ s/);
    expect(['0', '130']).toContain(exitStatus(output, started));
    expect(troubleLines(terminal.slice(started.length))).toEqual([]);
    expect(survivingProcesses(ownServices)).toEqual([]);
  });

  it('a second Ctrl-C forces the stop: SIGKILL to what it started', async () => {
    const session = 'two-ctrl-c';
    const { output, started } = await startInTerminal(session);
    tmux('send-keys', '-t', session, 'C-c');
    // A second Ctrl-C well after the first (repeats within a second are the same Ctrl-C, relayed by npm).
    await new Promise((r) => setTimeout(r, 1_500));
    tmux('send-keys', '-t', session, 'C-c');
    await waitFor('npm start to exit', () => exitStatus(output, started) !== undefined, 60_000);
    const terminal = readFileSync(output, 'utf8');
    log(terminal.split('\n').slice(-8).join('\n'));
    expect(terminal).toContain('second SIGINT: forcing the stop');
    expect(exitStatus(output, started)).toBe('130');
    expect(survivingProcesses(ownServices)).toEqual([]);
  });
});
