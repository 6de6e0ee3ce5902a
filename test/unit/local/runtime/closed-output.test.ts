/**
 * keepRunningWhenOutputCloses: a process whose stdout reader went away (`| tee` ended by the same Ctrl-C,
 * `| head`) keeps running and finishes what it was doing; without it, the first failed write ends it.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const closedOutput = fileURLToPath(new URL('../../../../local/runtime/closed-output.ts', import.meta.url));

/**
 * A child that writes to stdout and stderr every few ms for half a second, after its parent closed both
 * pipes, then exits 0: its exit code.
 */
function writeAfterReaderLeft(keepRunning: boolean): Promise<{ code: number | null }> {
  const script = `
    ${keepRunning ? `const { keepRunningWhenOutputCloses } = await import(${JSON.stringify(closedOutput)}); keepRunningWhenOutputCloses();` : ''}
    const until = Date.now() + 500;
    const timer = setInterval(() => {
      console.log('a status line');
      process.stderr.write('[start] a stop step\\n');
      if (Date.now() > until) { clearInterval(timer); process.exitCode = 0; }
    }, 5);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The readers go away at once, as tee does on Ctrl-C.
  child.stdout.destroy();
  child.stderr.destroy();
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code })));
}

describe('keepRunningWhenOutputCloses', () => {
  it('a closed stdout and stderr do not end the process', async () => {
    expect(await writeAfterReaderLeft(true)).toEqual({ code: 0 });
  });

  it('without it, the first failed write does (the failure it prevents)', async () => {
    expect((await writeAfterReaderLeft(false)).code).not.toBe(0);
  });
});
