// The replay loop against an in-memory stand-in for the three kafkajs clients it uses (the real broker is
// exercised by test/integration/local/runtime/local-event-source-mapping.test.ts and the fault suite).
import type { Kafka, KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  replayFailedBatches,
  UnknownPartitionError,
} from '../../../../lambdas/replay-failed-batches/replay.js';
import { toFailedRecord } from '../../../../lambdas/shared/kafka/failed-record.js';
import { toMskEvent } from '../../../../local/runtime/msk-event.js';

const FAILURE_TOPIC = 'users_created_failed';
const source = {
  eventSourceArn: 'arn:aws:kafka:local:000000000000:cluster/local/x',
  bootstrapServers: 'b:9092',
};

function failedMessage(offset: number, key: string, failedAt: string): KafkaMessage {
  const original = {
    key: Buffer.from(key),
    value: Buffer.from(`{"event_id":"${key}"}`),
    offset: String(offset * 10),
    timestamp: '1764230400000',
    attributes: 0,
    headers: {},
  };
  const document = toFailedRecord(toMskEvent('users_created', 0, [original], source), {
    condition: 'RetriesExhausted',
    invokeCount: 3,
    functionArn: 'arn:aws:lambda:local:000000000000:function:processor',
    requestId: `r-${offset}`,
    functionError: 'Unhandled',
    at: new Date(failedAt),
  });
  return { ...original, offset: String(offset), value: Buffer.from(JSON.stringify(document)) };
}

/** A topic of partitions, a group's committed offsets, and what was produced: the broker's side. */
class FakeBroker {
  readonly committed = new Map<string, Map<number, bigint>>();
  readonly produced: Array<{ topic: string; key: string | undefined; headers: Record<string, Buffer> }> = [];
  constructor(readonly partitions: KafkaMessage[][]) {}

  kafka(): Kafka {
    return {
      admin: () => ({
        connect: async () => {},
        disconnect: async () => {},
        fetchTopicOffsets: async () =>
          this.partitions.map((messages, partition) => ({
            partition,
            low: '0',
            high: String(messages.length),
            offset: String(messages.length),
          })),
        fetchOffsets: async ({ groupId }: { groupId: string }) => [
          {
            topic: FAILURE_TOPIC,
            partitions: this.partitions.map((_, partition) => ({
              partition,
              offset: String(this.committed.get(groupId)?.get(partition) ?? -1n),
            })),
          },
        ],
      }),
      producer: () => ({
        connect: async () => {},
        disconnect: async () => {},
        sendBatch: async ({
          topicMessages,
        }: {
          topicMessages: Array<{
            topic: string;
            messages: Array<{ key: Buffer | null; headers: Record<string, Buffer> }>;
          }>;
        }) => {
          for (const { topic, messages } of topicMessages)
            for (const m of messages)
              this.produced.push({ topic, key: m.key?.toString(), headers: m.headers });
        },
      }),
      consumer: ({ groupId }: { groupId: string }) => ({
        connect: async () => {},
        disconnect: async () => {},
        subscribe: async () => {},
        commitOffsets: async (offsets: Array<{ partition: number; offset: string }>) => {
          const group = this.committed.get(groupId) ?? new Map<number, bigint>();
          for (const o of offsets) group.set(o.partition, BigInt(o.offset));
          this.committed.set(groupId, group);
        },
        run: async ({
          eachBatch,
        }: {
          eachBatch: (payload: {
            batch: { topic: string; partition: number; messages: KafkaMessage[] };
            resolveOffset: (offset: string) => void;
          }) => Promise<void>;
        }) => {
          for (const [partition, messages] of this.partitions.entries()) {
            const from = Number(this.committed.get(groupId)?.get(partition) ?? 0n);
            await eachBatch({
              batch: { topic: FAILURE_TOPIC, partition, messages: messages.slice(from) },
              resolveOffset: () => {},
            });
          }
        },
      }),
    } as unknown as Kafka;
  }
}

const target = { failureTopic: FAILURE_TOPIC, groupId: 'replay' };

describe('replayFailedBatches', () => {
  it('replays every failed record to its source topic once, commits, and a second run does nothing', async () => {
    const broker = new FakeBroker([
      [failedMessage(0, 'a', '2026-11-27T10:00:00Z'), failedMessage(1, 'b', '2026-11-27T10:01:00Z')],
      [failedMessage(0, 'c', '2026-11-27T10:02:00Z')],
    ]);
    const dry = await replayFailedBatches(broker.kafka(), target, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, replayed: { count: 3 }, remaining: 0 });
    expect(broker.produced).toEqual([]);
    expect(broker.committed.size).toBe(0);

    const first = await replayFailedBatches(broker.kafka(), target, { dryRun: false });
    expect(first.replayed.count).toBe(3);
    expect(first.replayed.examples[0]).toMatchObject({ key: 'a', source: 'users_created-0@0' });
    expect(broker.produced.map((p) => [p.topic, p.key])).toEqual([
      ['users_created', 'a'],
      ['users_created', 'b'],
      ['users_created', 'c'],
    ]);
    expect(broker.produced[0]?.headers.replayed_from_failure_topic?.toString()).toBe(`${FAILURE_TOPIC}/0/0`);
    expect(broker.committed.get('replay')).toEqual(
      new Map([
        [0, 2n],
        [1, 1n],
      ]),
    );
    const second = await replayFailedBatches(broker.kafka(), target, { dryRun: false });
    expect(second.replayed.count).toBe(0);
    expect(broker.produced).toHaveLength(3);
  });

  it('honours --limit, --partition and --since, and counts what it skipped and left', async () => {
    const broker = new FakeBroker([
      [
        failedMessage(0, 'old', '2026-11-27T08:00:00Z'),
        { ...failedMessage(1, 'junk', '2026-11-27T10:00:00Z'), value: Buffer.from('not json') },
        failedMessage(2, 'x', '2026-11-27T10:00:00Z'),
        failedMessage(3, 'y', '2026-11-27T10:00:00Z'),
      ],
      [failedMessage(0, 'other-partition', '2026-11-27T10:00:00Z')],
    ]);
    const report = await replayFailedBatches(broker.kafka(), target, {
      dryRun: false,
      partition: 0,
      since: new Date('2026-11-27T09:00:00Z'),
      limit: 1,
    });
    expect(report.replayed.count).toBe(1);
    expect(report.skipped).toMatchObject({
      count: 2,
      byReason: { 'failed before --since': 1, 'not a failed record': 1 },
    });
    expect(report.remaining).toBe(1);
    expect(broker.produced.map((p) => p.key)).toEqual(['x']);
    expect(broker.committed.get('replay')?.get(0)).toBe(3n);
    expect(broker.committed.get('replay')?.has(1)).toBe(false);
    await expect(replayFailedBatches(broker.kafka(), target, { dryRun: true, partition: 7 })).rejects.toThrow(
      UnknownPartitionError,
    );
  });
});

describe('replay-failed-batches function', () => {
  it('rejects a bad parameter before touching Kafka, naming the field', async () => {
    process.env.KAFKA_BROKERS = '127.0.0.1:1';
    process.env.FAILURE_TOPIC = FAILURE_TOPIC;
    process.env.REPLAY_GROUP_ID = 'replay';
    const { handler } = await import('../../../../lambdas/replay-failed-batches/handler.js');
    await expect(handler({ partition: 'two' })).rejects.toThrow(/partition must be a whole number/);
  });
});
