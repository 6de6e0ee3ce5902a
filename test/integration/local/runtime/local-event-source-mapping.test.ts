// Tests local/runtime/local-event-source-mapping.ts (its failure path); also lambdas/replay-failed-batches/handler.ts.
// The local event source mapping's failure path on the real Kafka: bounded retries with bisection isolate
// one poison record, which lands on the failure topic in the documented KafkaDlq format; replay puts it back
// on its source topic once, and a second replay finds nothing to do.
import type { MSKEvent } from 'aws-lambda';
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayFailedBatches } from '../../../../lambdas/replay-failed-batches/replay.js';
import { originalRecord, parseFailedRecord } from '../../../../lambdas/shared/kafka/failed-record.js';
import { ensureTopics } from '../../../../local/runtime/kafka-topics.js';
import { consumeAll, kafkaClient, uniqueName } from '../../../support/local-services.js';
import { runBridgeUntil } from '../../../support/processor.js';

const topic = uniqueName('failure_path_src');
const failureTopic = uniqueName('failure_path_failed');
const POISON = 'user-poison';
const RECORDS = 60;

let kafka: Kafka;
let producer: Producer;

/** Keys the test handler saw succeed; it refuses any batch that carries the poison key. */
const processedKeys = new Set<string>();
let invocationsWithPoison = 0;

async function handler(event: MSKEvent): Promise<void> {
  const keys = Object.values(event.records)
    .flat()
    .map((r) => Buffer.from(r.key ?? '', 'base64').toString());
  if (keys.includes(POISON)) {
    invocationsWithPoison += 1;
    throw new Error('store refused the record');
  }
  for (const key of keys) processedKeys.add(key);
}

beforeAll(async () => {
  kafka = kafkaClient('failure-path-it');
  await ensureTopics(kafka, [
    { topic, numPartitions: 1 },
    { topic: failureTopic, numPartitions: 1 },
  ]);
  producer = kafka.producer();
  await producer.connect();
  const keys = Array.from({ length: RECORDS }, (_, i) => (i === 37 ? POISON : `user-${i}`));
  await producer.send({
    topic,
    acks: -1,
    messages: keys.map((key) => ({
      key,
      value: JSON.stringify({ event_id: `event-${key}` }),
      headers: { schema_version: '1' },
    })),
  });
});

afterAll(async () => {
  await producer?.disconnect();
});

describe('local event source mapping failure path', () => {
  it('bisects a failing batch, sends only the poison record to the failure topic, and commits', async () => {
    const options = {
      kafka,
      topic,
      groupId: uniqueName('failure_path_bridge'),
      batchSize: 100,
      batchWindowMs: 200,
      failure: {
        retryAttempts: 2,
        bisectBatchOnError: true,
        maxRecordAgeSeconds: 3_600,
        failureTopic,
        retryDelayMs: 10,
      },
      handler,
    };
    const bridge = await runBridgeUntil(
      options,
      (b) => b.stats.failedRecords + processedKeys.size >= RECORDS,
      60_000,
    );
    expect(processedKeys.size).toBe(RECORDS - 1);
    expect(processedKeys.has(POISON)).toBe(false);
    expect(bridge.stats.failedRecords).toBe(1);

    const [failed] = await consumeAll(kafka, failureTopic, 1);
    expect(failed?.message.key?.toString()).toBe(POISON);
    const document = parseFailedRecord(failed?.message.value ?? '');
    expect(document.requestContext.condition).toBe('RetriesExhausted');
    // The single-record batch was invoked once and retried twice; bisection did not use up retries.
    expect(document.requestContext.approximateInvokeCount).toBe(3);
    expect(document.KafkaBatchInfo).toMatchObject({ batchSize: 1, recordInfo: { offset: '37' } });
    const record = originalRecord(document);
    expect(record).toMatchObject({ topic, partition: 0, offset: 37 });
    expect(Buffer.from(record.value ?? '', 'base64').toString()).toBe(
      JSON.stringify({ event_id: `event-${POISON}` }),
    );
    expect(invocationsWithPoison).toBeGreaterThanOrEqual(3 + Math.ceil(Math.log2(RECORDS)));
  });

  it('replays the failed record to its topic once; a dry run and a second run replay nothing more', async () => {
    const target = { failureTopic, groupId: uniqueName('failure_path_replay') };
    const dry = await replayFailedBatches(kafka, target, { dryRun: true });
    expect(dry.replayed.count).toBe(1);
    const first = await replayFailedBatches(kafka, target, { dryRun: false });
    expect(first.replayed.count).toBe(1);
    expect(first.replayed.examples[0]).toMatchObject({ key: POISON, source: `${topic}-0@37` });
    const second = await replayFailedBatches(kafka, target, { dryRun: false });
    expect(second.replayed.count).toBe(0);
    expect(second.remaining).toBe(0);

    // The Lambda function the replay_failed_batches DAG invokes runs the same code with the same params.
    process.env.FAILURE_TOPIC = failureTopic;
    process.env.REPLAY_GROUP_ID = uniqueName('failure_path_replay_fn');
    const { handler } = await import('../../../../lambdas/replay-failed-batches/handler.js');
    const viaFunction = await handler({ dryRun: true, limit: 5 });
    expect(viaFunction).toMatchObject({ dryRun: true, failureTopic, replayed: { count: 1 } });
    await expect(handler({ limit: 0 })).rejects.toThrow(/limit must be a whole number/);

    const all = await consumeAll(kafka, topic, RECORDS + 1);
    const replayed = all.filter((m) => m.message.headers?.replayed_from_failure_topic !== undefined);
    expect(replayed).toHaveLength(1);
    expect(replayed[0]?.message.key?.toString()).toBe(POISON);
    expect(replayed[0]?.message.value?.toString()).toBe(JSON.stringify({ event_id: `event-${POISON}` }));
    expect(replayed[0]?.message.headers?.schema_version?.toString()).toBe('1');
  });
});
