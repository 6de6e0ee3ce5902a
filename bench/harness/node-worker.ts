import { type ChildProcess, spawn } from 'node:child_process';
import { repoRoot } from '../../tools/repo-root.js';

export class BenchWorkerError extends Error {
  override readonly name = 'BenchWorkerError';
}

/**
 * Runs a TypeScript file of this repository in a fresh Node process (one process, no npx/tsx wrapper, so its
 * pid is the process to measure), with an IPC channel for its messages.
 */
export function spawnTsWorker(
  file: string,
  env: NodeJS.ProcessEnv,
  args: readonly string[] = [],
  nodeOptions: readonly string[] = [],
): ChildProcess {
  return spawn(process.execPath, [...nodeOptions, '--import', 'tsx', file, ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
}

/** The last lines a child wrote (stdout and stderr), for error reports. */
export function captureOutput(child: ChildProcess, keepLines = 40): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > keepLines) lines.splice(0, lines.length - keepLines);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => lines.join('\n');
}

/** Resolves when the child exits (at once if it already has). */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
