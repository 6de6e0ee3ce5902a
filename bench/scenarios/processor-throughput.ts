import type { Kafka } from 'kafkajs';
import type { UserCreatedEvent } from '../../lambdas/shared/contract/index.js';
import { toKafkaMessage } from '../../lambdas/shared/contract/index.js';
import { ensureTopics } from '../../local/runtime/kafka-topics.js';
import { benchEnvironment } from '../harness/bench-stores.js';
import { findBottleneck } from '../harness/bottleneck.js';
import type { BenchContext } from '../harness/context.js';
import { spawnTsWorker } from '../harness/node-worker.js';
import { followProcessorWorker } from '../harness/processor-worker-run.js';
import type { ProcessorRun } from '../harness/results.js';
import type { ProcessorWorkerSettings } from '../workers/processor-worker.js';

export interface ProcessorMatrixOptions {
  readonly events: readonly UserCreatedEvent[];
  readonly batchSizes: readonly number[];
  readonly partitions: readonly number[];
  readonly batchWindowMs: number;
  /** Prefix of the topics this bench run creates. */
  readonly runId: string;
  /** When set, each processor process writes a V8 CPU profile into this directory. */
  readonly profileDir?: string;
}

/** Produces every event (keyed by user id, as the ingestion Lambdas do) with progress lines. */
export async function produceEvents(
  kafka: Kafka,
  topic: string,
  events: readonly UserCreatedEvent[],
  log: (message: string) => void,
): Promise<number> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const started = performance.now();
  try {
    // A produce request's record batch must stay under the broker's 1 MB message.max.bytes.
    const chunk = 500;
    for (let i = 0; i < events.length; i += chunk * 4) {
      // Four requests in flight keep the broker busy without reordering a user's events (ids are unique here).
      await Promise.all(
        [0, 1, 2, 3].map((k) => {
          const slice = events.slice(i + k * chunk, i + (k + 1) * chunk);
          if (slice.length === 0) return Promise.resolve();
          const messages = slice.map((event) => {
            const m = toKafkaMessage(event);
            return { key: m.key, value: m.value, headers: { ...m.headers } };
          });
          return producer.send({ topic, acks: -1, messages });
        }),
      );
      if ((i / (chunk * 4)) % 10 === 9)
        log(`  produced ${Math.min(i + chunk * 4, events.length)}/${events.length}`);
    }
  } finally {
    await producer.disconnect();
  }
  return events.length / ((performance.now() - started) / 1000);
}

/** Throughput runs that still lack the ratio to the ceiling (the ceiling runs after them). */
export type ProcessorRunFigures = Omit<ProcessorRun, 'ratioToCeiling'>;

/**
 * Run 1: for each partition count, the events are produced once to a fresh topic; for each batch size a fresh
 * processor process (new consumer group, empty stores) drains that topic into both stores.
 */
export async function runProcessorMatrix(
  context: BenchContext,
  options: ProcessorMatrixOptions,
): Promise<ProcessorRunFigures[]> {
  const { kafka, log } = context;
  const runs: ProcessorRunFigures[] = [];
  for (const partitions of options.partitions) {
    const topic = `${options.runId}_p${partitions}`;
    await ensureTopics(kafka, [{ topic, numPartitions: partitions }]);
    log(
      `producing ${options.events.length.toLocaleString('en-US')} events to ${topic} (${partitions} partitions)`,
    );
    const produceRate = await produceEvents(kafka, topic, options.events, log);
    log(`  produced at ${Math.round(produceRate).toLocaleString('en-US')} events/s`);
    for (const batchSize of options.batchSizes) {
      await context.stores.empty();
      log(`processor: batch size ${batchSize}, ${partitions} partition(s)`);
      runs.push(
        await runOnce(context, {
          events: options.events,
          batchWindowMs: options.batchWindowMs,
          topic,
          partitions,
          batchSize,
          ...(options.profileDir ? { profileDir: options.profileDir } : {}),
        }),
      );
      const last = runs.at(-1) as ProcessorRunFigures;
      log(
        `  ${last.recordsPerSecond.toLocaleString('en-US')} records/s into both stores; ${last.invocations} invocations; processor peak RSS ${last.processorPeakRssMiB} MiB; ${last.bottleneck.label}`,
      );
    }
  }
  return runs;
}

async function runOnce(
  context: BenchContext,
  run: {
    readonly events: readonly UserCreatedEvent[];
    readonly batchWindowMs: number;
    readonly topic: string;
    readonly partitions: number;
    readonly batchSize: number;
    readonly profileDir?: string;
  },
): Promise<ProcessorRunFigures> {
  const expected = run.events.length;
  const workerSettings: ProcessorWorkerSettings = {
    brokers: context.settings.kafka.brokers,
    topic: run.topic,
    groupId: `${run.topic}_b${run.batchSize}`,
    batchSize: run.batchSize,
    batchWindowMs: run.batchWindowMs,
    containers: run.partitions,
    expected,
  };
  const child = spawnTsWorker(
    'bench/workers/processor-worker.ts',
    benchEnvironment(context.settings, {
      BENCH_PROCESSOR_WORKER: JSON.stringify(workerSettings),
    }),
    [],
    run.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${run.profileDir}`] : [],
  );
  const { result, usage } = await followProcessorWorker(context, child, {
    what: `the processor (batch size ${run.batchSize}, ${run.partitions} partitions)`,
    expected,
    timeoutMs: 30 * 60_000,
  });
  return {
    batchSize: run.batchSize,
    partitions: run.partitions,
    events: result.records,
    seconds: round2(result.seconds),
    recordsPerSecond: Math.round(result.records / result.seconds),
    invocations: result.invocations,
    failedInvocations: result.failedInvocations,
    processorPeakRssMiB: result.peakRssMiB,
    processes: usage.processes,
    machineCpuPercent: usage.machineCpuPercent,
    bottleneck: findBottleneck({
      ...usage,
      cores: context.cores,
      singleThreaded: ['msk bridge'],
      waitsOn: `store round trips (each invocation waits for PostgreSQL and Cassandra before the partition's next batch)`,
    }),
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
