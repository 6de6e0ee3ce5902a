import type { PipelineProcess } from '../runtime/pipeline-process.js';

export class ConsoleNotStartedError extends Error {
  override readonly name = 'ConsoleNotStartedError';
}

/** The console URL a started pipeline process logs (`[start] console on http://…`). */
export function consoleUrlOf(pipeline: PipelineProcess, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const seek = () => {
      const url = /console on (http:\/\/\S+)/.exec(pipeline.recentOutput())?.[1];
      if (url) return resolve(url);
      if (Date.now() > deadline || pipeline.child.exitCode !== null)
        return reject(
          new ConsoleNotStartedError(`no console URL in the output:\n${pipeline.recentOutput()}`),
        );
      setTimeout(seek, 200);
    };
    seek();
  });
}
