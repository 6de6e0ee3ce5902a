/**
 * Backlog drain: N events pre-produced to a topic of the stage's partitions (dev: 6), then drained by the local
 * MSK bridge and the processor containers with the stage's own mapping settings (batch size, window, retries,
 * bisection, record age, failure topic: local/runtime/local-mapping.ts, from bin/config), as the event source
 * mapping drains a backlog after an outage. Reports the drain rate, each container's invocations, peak RSS and
 * RSS trend over the second half of its own invocations (a leak grows with the work; a flat series does not),
 * the records sent to the failure topic, and both stores' rows, which must be exactly N.
 */
import { loadStageConfig } from '../../bin/config/index.js';
import { toKafkaMessage } from '../../lambdas/shared/contract/index.js';
import { ensureTopics } from '../../local/runtime/kafka-topics.js';
import { localMappingSettings, type MirroredStage } from '../../local/runtime/local-mapping.js';
import { userEvent, userPayload } from '../../test/support/user-events.js';
import { benchEnvironment } from '../harness/bench-stores.js';
import { findBottleneck } from '../harness/bottleneck.js';
import type { BenchContext } from '../harness/context.js';
import { spawnTsWorker } from '../harness/node-worker.js';
import { rssTrend } from '../harness/process-sampler.js';
import { followProcessorWorker } from '../harness/processor-worker-run.js';
import type { BacklogDrainRun } from '../harness/results.js';
import type { ContainerSample, ProcessorWorkerSettings } from '../workers/processor-worker.js';

export interface BacklogDrainOptions {
  readonly events: number;
  /** The stage whose mapping settings and topic partitions the drain uses. */
  readonly stage: MirroredStage;
  readonly runId: string;
}

/** Events built and produced at a time, so a million never sit in memory at once. */
const PRODUCE_CHUNK = 10_000;
/** How often each container's RSS is sampled. */
const RSS_SAMPLE_MS = 1_000;

/** Produces `count` fresh users, keyed by id, in chunks (four requests in flight, each under 1 MB). */
async function produceBacklog(context: BenchContext, topic: string, count: number): Promise<number> {
  const producer = context.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const started = performance.now();
  const occurredAt = new Date().toISOString();
  try {
    for (let start = 0; start < count; start += PRODUCE_CHUNK) {
      const messages = Array.from({ length: Math.min(PRODUCE_CHUNK, count - start) }, (_, i) => {
        const m = toKafkaMessage(userEvent(userPayload(start + i), occurredAt));
        return { key: m.key, value: m.value, headers: { ...m.headers } };
      });
      for (let i = 0; i < messages.length; i += 2_000) {
        await Promise.all(
          [0, 1, 2, 3].map((k) => {
            const slice = messages.slice(i + k * 500, i + (k + 1) * 500);
            return slice.length === 0
              ? Promise.resolve()
              : producer.send({ topic, acks: -1, messages: slice });
          }),
        );
      }
      if ((start / PRODUCE_CHUNK) % 10 === 9 || start + PRODUCE_CHUNK >= count)
        context.log(
          `  produced ${Math.min(start + PRODUCE_CHUNK, count).toLocaleString('en-US')}/${count.toLocaleString('en-US')}`,
        );
    }
  } finally {
    await producer.disconnect();
  }
  return count / ((performance.now() - started) / 1000);
}

/**
 * When a container had taken half of its invocations: the second half of its own work starts there. The pool
 * hands each invocation to the first idle container, so the first containers work all along while a later one
 * may start, or only get busy, late in the run; its run-time second half would be its warm-up.
 */
export function halfWorkSeconds(samples: readonly ContainerSample[], invocations: number): number {
  const at = samples.find(([, , taken]) => taken >= invocations / 2);
  return at?.[0] ?? samples.at(-1)?.[0] ?? 0;
}

/** Runs the drain; see the module comment. */
export async function runBacklogDrain(
  context: BenchContext,
  options: BacklogDrainOptions,
): Promise<BacklogDrainRun> {
  const config = loadStageConfig(options.stage, {});
  const mapping = localMappingSettings({}, config.processor);
  const partitions = config.topic.partitions;
  const topic = `${options.runId}_drain`;
  const failureTopic = `${options.runId}_drain_failed`;
  await ensureTopics(context.kafka, [
    { topic, numPartitions: partitions },
    { topic: failureTopic, numPartitions: partitions },
  ]);
  await context.stores.empty();
  context.log(
    `backlog drain: producing ${options.events.toLocaleString('en-US')} events to ${topic} (${partitions} partitions, ${options.stage}'s)`,
  );
  const produceRate = await produceBacklog(context, topic, options.events);
  context.log(
    `  produced at ${Math.round(produceRate).toLocaleString('en-US')} events/s; draining with ${options.stage}'s mapping: ` +
      `batch ${mapping.batchSize}, window ${mapping.batchWindowMs} ms, ${mapping.failure.retryAttempts} retries`,
  );
  const done = await drain(context, {
    brokers: context.settings.kafka.brokers,
    topic,
    groupId: `${topic}_processor`,
    batchSize: mapping.batchSize,
    batchWindowMs: mapping.batchWindowMs,
    containers: partitions,
    expected: options.events,
    failure: { ...mapping.failure, failureTopic },
    rssSampleMs: RSS_SAMPLE_MS,
  });
  context.log('  counting the rows of both stores');
  const rows = await context.stores.rowCountsOfEveryTable();
  const half = done.result.seconds / 2;
  const containers = done.result.containers.map((c) => ({
    peakRssMiB: c.peakRssMiB,
    invocations: c.invocations,
    secondHalf: rssTrend(c.samples, halfWorkSeconds(c.samples, c.invocations)),
    samples: c.samples,
  }));
  return {
    stage: options.stage,
    events: options.events,
    partitions,
    batchSize: mapping.batchSize,
    batchWindowMs: mapping.batchWindowMs,
    produceRatePerSecond: Math.round(produceRate),
    seconds: Math.round(done.result.seconds * 100) / 100,
    drainRatePerSecond: Math.round(done.result.records / done.result.seconds),
    records: done.result.records,
    invocations: done.result.invocations,
    failedInvocations: done.result.failedInvocations,
    failedRecords: done.result.failedRecords,
    rows,
    containers,
    bridge: { secondHalf: rssTrend(done.result.bridgeSamples, half) },
    ...done.usage,
    bottleneck: findBottleneck({
      ...done.usage,
      cores: context.cores,
      singleThreaded: ['msk bridge'],
      waitsOn: `store round trips (${partitions} partitions, one invocation each at a time)`,
    }),
  };
}

async function drain(context: BenchContext, settings: ProcessorWorkerSettings) {
  const child = spawnTsWorker(
    'bench/workers/processor-worker.ts',
    benchEnvironment(context.settings, { BENCH_PROCESSOR_WORKER: JSON.stringify(settings) }),
  );
  return followProcessorWorker(context, child, {
    what: 'the backlog drain',
    expected: settings.expected,
    timeoutMs: 60 * 60_000,
    reportEveryMs: 15_000,
  });
}
