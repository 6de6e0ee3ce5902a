import type { Kafka } from 'kafkajs';
import type { LocalServicesSettings } from '../../local/services/config.js';
import type { BenchStores } from './bench-stores.js';
import type { WatchedProcess } from './process-sampler.js';

/** What every scenario gets from the orchestrator (bench/run.ts). */
export interface BenchContext {
  readonly settings: LocalServicesSettings;
  readonly kafka: Kafka;
  readonly stores: BenchStores;
  /** Kafka, Cassandra and PostgreSQL (with its backends), for CPU and RSS sampling. */
  readonly services: readonly WatchedProcess[];
  readonly cores: number;
  readonly log: (message: string) => void;
}

/** Polls `done` every `intervalMs`, logging `describe()` every `reportEveryMs`, until done or the deadline. */
export async function waitWithProgress(options: {
  readonly done: () => boolean | Promise<boolean>;
  readonly describe: () => string;
  readonly log: (message: string) => void;
  readonly timeoutMs: number;
  readonly what: string;
  readonly intervalMs?: number;
  readonly reportEveryMs?: number;
}): Promise<void> {
  const started = performance.now();
  let lastReport = started;
  for (;;) {
    if (await options.done()) return;
    const now = performance.now();
    if (now - started > options.timeoutMs) {
      throw new Error(
        `${options.what} did not finish within ${options.timeoutMs / 1000} s (${options.describe()})`,
      );
    }
    if (now - lastReport >= (options.reportEveryMs ?? 5_000)) {
      lastReport = now;
      options.log(`  ${options.describe()}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
}
