import { type ChildProcess, spawn } from 'node:child_process';
import { repoRoot } from '../../tools/repo-root.js';
import { callerHeaders, type LocalApiAuth } from './api-gateway-access.js';

/** `local/start.ts` running as a child process, once its banner is printed. */
export interface PipelineProcess {
  readonly child: ChildProcess;
  readonly apiUrl: string;
  readonly invokeUrl: string;
  /** How the HTTP API authenticates callers: its API key (from the banner), or SigV4 on an IAM stage. */
  readonly apiAuth: LocalApiAuth;
  /** The headers a caller of the HTTP API sends to be let in (`x-api-key`, or the IAM stand-in). */
  readonly apiHeaders: Readonly<Record<string, string>>;
  /** The child's most recent output (stdout and stderr), for reporting a crash. */
  recentOutput(): string;
  /** SIGINT (a clean drain) and wait for the exit; no-op when it already exited. */
  stop(): Promise<void>;
}

export class PipelineStartError extends Error {
  override readonly name = 'PipelineStartError';
}

/**
 * Starts the whole local pipeline as ONE node process (not npx → tsx → node), so a SIGKILL sent to `child`
 * takes down exactly the pipeline. Used by the DAG suite and the fault suite.
 */
export function startPipelineProcess(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 180_000,
): Promise<PipelineProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  const keep = (chunk: Buffer) => {
    recent.push(chunk.toString());
    if (recent.length > 50) recent.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const recentOutput = () => recent.join('');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(
        new PipelineStartError(`the pipeline did not start within ${timeoutMs / 1000} s:\n${recentOutput()}`),
      );
    }, timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new PipelineStartError(`the pipeline exited (${code}) while starting:\n${recentOutput()}`));
    };
    child.once('exit', onExit);
    let banner = '';
    const onData = (chunk: Buffer) => {
      banner += chunk.toString();
      const apiUrl = /HTTP API\s+(http:\/\/\S+)/.exec(banner)?.[1];
      const invokeUrl = /Lambda invoke\s+(http:\/\/\S+)/.exec(banner)?.[1];
      if (!banner.includes('Pipeline running.') || !apiUrl || !invokeUrl) return;
      // The key line comes before the invoke line, so it is complete once invokeUrl matched.
      const apiKey = /^\s*API key\s+(\S+)/m.exec(banner)?.[1];
      const apiAuth: LocalApiAuth = apiKey ? { mode: 'apiKey', key: apiKey } : { mode: 'iam' };
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      resolve({ child, apiUrl, invokeUrl, apiAuth, apiHeaders: callerHeaders(apiAuth), recentOutput, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
}
