import type { ChildProcess } from 'node:child_process';
import type { ProcessorWorkerMessage } from '../workers/processor-worker.js';
import { type BenchContext, waitWithProgress } from './context.js';
import { BenchWorkerError, captureOutput, exited } from './node-worker.js';
import { ProcessSampler } from './process-sampler.js';

export type ProcessorWorkerDone = Extract<ProcessorWorkerMessage, { type: 'done' }>;

/**
 * Follows a spawned processor worker (bench/workers/processor-worker.ts) to its `done` message: its progress
 * every report, the CPU of the containers, the bridge and the services sampled from the first invocation to
 * the last (start-up and the group join are not the run). A worker failure or an early exit fails the run; a
 * worker still running at the end is killed.
 */
export async function followProcessorWorker(
  context: BenchContext,
  child: ChildProcess,
  run: {
    readonly what: string;
    readonly expected: number;
    readonly timeoutMs: number;
    readonly reportEveryMs?: number;
  },
): Promise<{ result: ProcessorWorkerDone; usage: ReturnType<ProcessSampler['stop']> }> {
  const output = captureOutput(child);
  const sampler = new ProcessSampler([
    { name: 'processor', pid: child.pid as number, descendantsOnly: true },
    { name: 'msk bridge', pid: child.pid as number },
    ...context.services,
  ]);
  let progress = { records: 0, invocations: 0 };
  let usage: ReturnType<ProcessSampler['stop']> | undefined;
  let result: ProcessorWorkerDone | undefined;
  let failure: string | undefined;
  child.on('message', (message: ProcessorWorkerMessage) => {
    if (message.type === 'first-invocation') sampler.start();
    else if (message.type === 'progress') progress = message;
    else if (message.type === 'done') {
      usage = sampler.stop();
      result = message;
    } else failure = message.error;
  });
  const exit = exited(child);
  let exitCode: number | null | undefined;
  void exit.then((code) => {
    exitCode = code;
  });
  try {
    await waitWithProgress({
      what: run.what,
      done: () => {
        if (failure) throw new BenchWorkerError(`processor worker failed: ${failure}`);
        if (exitCode !== undefined && !result)
          throw new BenchWorkerError(`processor worker exited (${exitCode}) early:\n${output()}`);
        return result !== undefined;
      },
      describe: () =>
        `${progress.records.toLocaleString('en-US')}/${run.expected.toLocaleString('en-US')} records, ${progress.invocations.toLocaleString('en-US')} invocations`,
      log: context.log,
      ...(run.reportEveryMs === undefined ? {} : { reportEveryMs: run.reportEveryMs }),
      timeoutMs: run.timeoutMs,
    });
  } finally {
    if (!result) child.kill('SIGKILL');
  }
  await exit;
  if (!usage || !result) throw new BenchWorkerError(`${run.what} finished without a CPU sample`);
  return { result, usage };
}
