/**
 * The stores' side of the console's reads (issue 23), measured apart from the rounds: the console takes one
 * snapshot every 5 s, whose cost to Kafka, Cassandra and PostgreSQL is far below the noise between two runs.
 * Here one pipeline (console off) takes the rounds' rate while the bench takes the very same snapshot
 * (`takeSnapshot`, with the console's sources) back to back in every other window, in ABBA order; each pair
 * of windows gives the stores' CPU per snapshot. The rounds' figure is then read at that cost
 * (`speedAdjustedDifference`).
 */
import { loadStageConfig } from '../../bin/config/index.js';
import { cassandraTablesOf } from '../../lambdas/shared/schema/cassandra/index.js';
import {
  SNAPSHOT_INTERVAL_MS,
  type SnapshotSources,
  takeSnapshot,
} from '../../local/console/pipeline-snapshot.js';
import {
  LOCAL_MAPPING_STAGE,
  LOCAL_PROCESSOR_GROUP,
  localMappingSettings,
  localSignupDayLayout,
} from '../../local/runtime/local-mapping.js';
import type { PipelineProcess } from '../../local/runtime/pipeline-process.js';
import { BENCH_KEYSPACE } from '../harness/bench-stores.js';
import type { BenchContext } from '../harness/context.js';
import { ProcessSampler } from '../harness/process-sampler.js';
import type { StoreReadsCost, StoreReadsWindow } from '../harness/results.js';
import { mean, round2, sampleVariance, t975 } from '../harness/statistics.js';
import { offerLoad } from '../harness/user-load.js';

/** The most snapshots a read window starts per second: 50 times the console's rate. */
export const READ_WINDOW_SNAPSHOTS_PER_SECOND = 10;

export interface StoreReadsOptions {
  readonly ratePerSecond: number;
  /** Seconds of each window. */
  readonly windowSeconds: number;
  /** Pairs of windows, reads then idle in odd pairs, idle then reads in even ones. */
  readonly pairs: number;
}

/** Whether the first window of a pair reads: odd pairs read first, even ones idle first (ABBA). */
export const readsFirstInPair = (pair: number): boolean => pair % 2 === 1;

/**
 * The stores' side of the console's reads from the measured windows: per pair, the store CPU of its read
 * window minus its idle one (percent of one core = 10 ms per second) over the snapshots per second taken,
 * in ms per snapshot; their mean and one-sided 97.5 % Student t bound, also as percent of one core at one
 * snapshot per {@link SNAPSHOT_INTERVAL_MS}.
 */
export function storeReadsCostOf(
  options: StoreReadsOptions,
  windows: readonly StoreReadsWindow[],
  acceptedUsers: number,
): StoreReadsCost {
  const perSnapshot = [...new Set(windows.map((w) => w.pair))].flatMap((pair) => {
    const reads = windows.find((w) => w.pair === pair && w.reads);
    const idle = windows.find((w) => w.pair === pair && !w.reads);
    if (!reads || !idle || reads.snapshots === 0) return [];
    const snapshotsPerSecond = reads.snapshots / reads.seconds;
    return [((reads.storesCpuPercent - idle.storesCpuPercent) * 10) / snapshotsPerSecond];
  });
  const n = perSnapshot.length;
  const perSnapshotMs = n > 0 ? mean(perSnapshot) : 0;
  const atConsoleRate = (ms: number) => round2((ms / SNAPSHOT_INTERVAL_MS) * 100) + 0;
  return {
    windowSeconds: options.windowSeconds,
    snapshotsPerSecond: READ_WINDOW_SNAPSHOTS_PER_SECOND,
    consoleIntervalMs: SNAPSHOT_INTERVAL_MS,
    windows,
    acceptedUsers,
    offeredUsers: options.ratePerSecond * options.windowSeconds * 2 * options.pairs,
    perSnapshotCpuMs: round2(perSnapshotMs) + 0,
    percent: atConsoleRate(perSnapshotMs),
    ...(n >= 2
      ? {
          upperBoundPercent: atConsoleRate(
            perSnapshotMs + t975(n - 1) * Math.sqrt(sampleVariance(perSnapshot) / n),
          ),
        }
      : {}),
  };
}

/** What the console reads, as `npm start` builds it, pointed at the bench's stores and the run's topic. */
function consoleSources(context: BenchContext, topic: string): Omit<SnapshotSources, 'admin'> {
  const processor = loadStageConfig(LOCAL_MAPPING_STAGE, {}).processor;
  return {
    topic,
    groupId: LOCAL_PROCESSOR_GROUP,
    failureTopic: localMappingSettings(
      { failureTopic: process.env.KAFKA_FAILURE_TOPIC || undefined },
      processor,
    ).failure.failureTopic,
    postgres: context.stores.postgres,
    cassandra: context.stores.cassandra,
    keyspace: BENCH_KEYSPACE,
    cassandraTables: cassandraTablesOf(localSignupDayLayout()).map((t) => t.name),
  };
}

/** Takes snapshots one at a time, at most {@link READ_WINDOW_SNAPSHOTS_PER_SECOND}, until `endsAt`. */
async function readBackToBack(sources: SnapshotSources, endsAt: number): Promise<number> {
  let snapshots = 0;
  const spacingMs = 1_000 / READ_WINDOW_SNAPSHOTS_PER_SECOND;
  while (performance.now() < endsAt) {
    const started = performance.now();
    const snapshot = await takeSnapshot(sources);
    // A part that failed would read less than the console does: the window would understate the cost.
    const failed = Object.entries(snapshot.errors).filter(([part]) => part !== 'failureTopic');
    if (failed.length > 0) throw new Error(`console snapshot failed: ${JSON.stringify(failed)}`);
    snapshots += 1;
    const wait = started + spacingMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, endsAt - performance.now())));
  }
  return snapshots;
}

/** One window: the stores' CPU while reading back to back (or idling) for `seconds`. */
async function measureWindow(
  context: BenchContext,
  sources: SnapshotSources,
  pair: number,
  reads: boolean,
  seconds: number,
): Promise<StoreReadsWindow> {
  const sampler = new ProcessSampler(context.services).start();
  const started = performance.now();
  const endsAt = started + seconds * 1000;
  const snapshots = reads
    ? await readBackToBack(sources, endsAt)
    : await new Promise<number>((r) => setTimeout(() => r(0), seconds * 1000));
  const usage = sampler.stop();
  return {
    pair,
    reads,
    snapshots,
    seconds: Math.round(performance.now() - started) / 1000,
    storesCpuPercent: round2(usage.processes.reduce((sum, p) => sum + p.cpuPercent, 0)),
    processCpuPercent: Object.fromEntries(usage.processes.map((p) => [p.name, p.cpuPercent])),
  };
}

/**
 * Measures the stores' side of the console's reads on a running pipeline (console off, warmed up): the load
 * runs through every window while they alternate between reading back to back and idling.
 */
export async function measureStoreReads(
  context: BenchContext,
  pipeline: PipelineProcess,
  topic: string,
  options: StoreReadsOptions,
): Promise<StoreReadsCost> {
  const admin = context.kafka.admin();
  await admin.connect();
  const sources: SnapshotSources = { admin, ...consoleSources(context, topic) };
  try {
    await takeSnapshot(sources); // connects and prepares, as the console's first snapshot does
    const load = offerLoad(pipeline, options.ratePerSecond, options.windowSeconds * 2 * options.pairs);
    const windows: StoreReadsWindow[] = [];
    for (let pair = 1; pair <= options.pairs; pair++) {
      const first = readsFirstInPair(pair);
      for (const reads of [first, !first]) {
        const window = await measureWindow(context, sources, pair, reads, options.windowSeconds);
        windows.push(window);
        context.log(
          `  stores' side of the reads, pair ${pair}, ${reads ? `${window.snapshots} snapshots` : 'idle'}: ` +
            `stores ${window.storesCpuPercent} % of one core (${Object.entries(window.processCpuPercent)
              .map(([name, percent]) => `${name} ${percent}`)
              .join(', ')})`,
        );
      }
    }
    return storeReadsCostOf(options, windows, await load);
  } finally {
    await admin.disconnect();
  }
}
