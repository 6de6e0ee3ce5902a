import type { CpuMeter } from './cpu-meter.js';
import { looksLikeEmf, type MetricDatum, parseEmf } from './emf.js';

/**
 * Lambda sends a function's stdout to CloudWatch Logs, which turns EMF documents into metrics. Locally the
 * handlers (in this process, and in worker-thread containers whose stdout Node pipes into this process's)
 * write to process.stdout: this tap hands EMF lines to `sink` and passes every other line through. EMF lines
 * are not echoed: they would bury the `npm start` output.
 */
export function tapEmf(sink: (datum: MetricDatum) => void, meter?: CpuMeter): () => void {
  const stdout = process.stdout;
  const original = stdout.write;
  let partial = '';
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    const started = performance.now();
    const text =
      partial + (typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    const passed = lines.filter((line) => {
      if (!looksLikeEmf(line)) return true;
      for (const datum of parseEmf(line)) sink(datum);
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
