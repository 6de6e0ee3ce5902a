import type { CpuMeter } from './cpu-meter.js';
import { looksLikeEmf } from './emf.js';

/**
 * Lambda sends a function's stdout to CloudWatch Logs, which turns EMF documents into metrics. Locally the
 * handlers (in this process, and in worker-thread containers whose stdout Node pipes into this process's)
 * write to process.stdout: this tap hands EMF lines to `onEmfLine` and passes every other line through. EMF
 * lines are not echoed: they would bury the `npm start` output. It only sorts lines; parsing them is the
 * receiver's (the console's inbox parses them in batches, off the write path).
 */
export function tapEmf(onEmfLine: (line: string) => void, meter?: CpuMeter): () => void {
  const stdout = process.stdout;
  const original = stdout.write;
  let partial = '';
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    const started = performance.now();
    const text = partial + (typeof chunk === 'string' ? chunk : utf8(chunk as Uint8Array));
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    const passed = lines.filter((line) => {
      if (!looksLikeEmf(line)) return true;
      onEmfLine(line);
      return false;
    });
    meter?.add(performance.now() - started);
    if (passed.length === 0) {
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }
    return original.call(stdout, `${passed.join('\n')}\n`, ...(rest as [BufferEncoding]));
  };
  stdout.write = write as typeof stdout.write;
  return () => {
    stdout.write = original;
  };
}

/** The bytes as text, without copying them first. */
function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
