/**
 * Every npm script that takes flags, spawned as a user runs it (`npm run -s <script> -- …`): `--help` prints
 * the usage on stdout and exits 0; an unknown or malformed flag prints one line naming it, then the usage,
 * on stderr, and exits 2, without a stack trace. Nothing here starts a service: flags are checked first.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../tools/repo-root.js';

interface CliCase {
  readonly script: string;
  /** Flags of this command, with a malformed value. */
  readonly malformed?: readonly string[];
  /** Whether unknown flags are this command's to reject (false: they go on to vitest / pytest). */
  readonly rejectsUnknown: boolean;
}

const CLIS: readonly CliCase[] = [
  { script: 'start', malformed: ['--port', 'not-a-port'], rejectsUnknown: true },
  { script: 'start:docker', malformed: ['--batch-size', '0'], rejectsUnknown: true },
  { script: 'services', malformed: ['logs', '--lines', 'many'], rejectsUnknown: true },
  { script: 'query', malformed: ['--recent', '0'], rejectsUnknown: true },
  { script: 'replay', malformed: ['failed-batches', '--limit', '0'], rejectsUnknown: true },
  { script: 'day-table', malformed: ['backfill', '--buckets', '0'], rejectsUnknown: true },
  { script: 'cost', malformed: ['--events-per-second', '-1'], rejectsUnknown: true },
  { script: 'capacity', malformed: ['--events-per-second', '-1', '--stage', 'dev'], rejectsUnknown: true },
  { script: 'verify', malformed: ['--wait-seconds', 'soon', '--stage', 'dev'], rejectsUnknown: true },
  { script: 'bench', malformed: ['--events', 'lots'], rejectsUnknown: true },
  { script: 'bench:console', malformed: ['--console-rate', '0'], rejectsUnknown: true },
  { script: 'pictures', malformed: ['--only', 'everything'], rejectsUnknown: true },
  { script: 'airflow', rejectsUnknown: true },
  { script: 'generate', malformed: ['--check=yes'], rejectsUnknown: true },
  { script: 'scan', rejectsUnknown: true },
  { script: 'test', rejectsUnknown: false },
  { script: 'test:faults', rejectsUnknown: false },
  { script: 'test:dags', rejectsUnknown: false },
];

/** Scripts that are another tool's own CLI (its flags and help are that tool's), or take no arguments. */
const OTHER_TOOLS: Readonly<Record<string, string>> = {
  'test:unit': 'vitest',
  'test:integration': 'vitest',
  'test:infra': 'vitest',
  lint: 'biome + tsc, no arguments',
  format: 'biome, no arguments',
  typecheck: 'tsc, no arguments',
  synth: 'cdk',
  cdk: 'cdk',
  'deploy:local': 'cdklocal',
};

function run(script: string, args: readonly string[]) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', script, '--', ...args], {
      cwd: repoRoot,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const STACK_FRAME = /^\s+at .+\(?.*:\d+:\d+\)?$/m;

describe('npm scripts', () => {
  it('are all covered here or are another tool’s CLI', () => {
    const scripts = Object.keys(
      (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: object }).scripts,
    );
    const covered = new Set([...CLIS.map((c) => c.script), ...Object.keys(OTHER_TOOLS)]);
    expect(scripts.filter((s) => !covered.has(s))).toEqual([]);
  });
});

// Each case is a separate process; running them side by side keeps the file's wall time down.
describe.concurrent.each(CLIS)('npm run $script --help', ({ script }) => {
  it('prints the usage on stdout and exits 0', async () => {
    const { status, stdout, stderr } = await run(script, ['--help']);
    expect(stdout.startsWith('usage: '), stderr).toBe(true);
    expect(status).toBe(0);
  });
});

describe.concurrent.each(CLIS.filter((c) => c.rejectsUnknown))(
  'npm run $script --no-such-flag',
  ({ script }) => {
    it('prints one line naming the flag, then the usage, and exits 2', async () => {
      const { status, stdout, stderr } = await run(script, ['--no-such-flag']);
      const [first, second] = stderr.split('\n');
      expect(first).toContain('--no-such-flag');
      expect(second).toMatch(/^usage: /);
      expect(stderr).not.toMatch(STACK_FRAME);
      expect(stdout).toBe('');
      expect(status).toBe(2);
    });
  },
);

const MALFORMED = CLIS.flatMap((c) => (c.malformed ? [{ script: c.script, args: c.malformed }] : []));

describe.concurrent.each(MALFORMED)('npm run $script -- $args', ({ script, args }) => {
  it('prints one line naming the flag, then the usage, and exits 2', async () => {
    const flag = args.find((a) => a.startsWith('--'))?.split('=')[0] ?? '';
    const { status, stderr } = await run(script, args);
    const [first, second] = stderr.split('\n');
    expect(first).toContain(flag);
    expect(second).toMatch(/^usage: /);
    expect(stderr).not.toMatch(STACK_FRAME);
    expect(status).toBe(2);
  });
});
