/**
 * "Full jitter" exponential backoff: a uniformly random delay between 0 and min(cap, base·2^(attempt-1)).
 * Spreading retries over the whole window keeps many schedulers from hammering the API in lock-step.
 * `attempt` is the number of the attempt that just failed (1 for the first).
 */
export function fullJitterDelayMs(
  attempt: number,
  options: { readonly baseMs: number; readonly capMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After as delta-seconds or an HTTP date, in milliseconds from `nowMs`; undefined when absent or invalid. */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
