import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUserCreatedEvent } from '../../../../../lambdas/shared/contract/index.js';
import { readKafkaProducerConfig } from '../../../../../lambdas/shared/kafka/config.js';
import { KafkaUnavailableError } from '../../../../../lambdas/shared/kafka/errors.js';
import { ManagedKafkaProducer } from '../../../../../lambdas/shared/kafka/producer.js';
import { publishEvents } from '../../../../../lambdas/shared/kafka/publish.js';
import { ensureTopics } from '../../../../../local/runtime/kafka-topics.js';
import { consumeAll, kafkaClient, services, uniqueName } from '../../../../support/local-services.js';
import { sampleUserPayload } from '../../../../unit/lambdas/shared/contract/fixtures.js';

/**
 * Partition of each key as Kafka's Java producer computes it (BuiltInPartitioner.partitionForKey, i.e.
 * toPositive(murmur2(utf8(key))) % partitions), taken from kafka-clients 4.1.2.
 */
const JAVA_PARTITIONS: Record<string, { 6: number; 12: number }> = {
  '5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f': { 6: 1, 12: 7 },
  '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d': { 6: 2, 12: 8 },
  '0b9f5c1a-2d3e-4f60-8a7b-9c8d7e6f5a4b': { 6: 2, 12: 2 },
  'c0ffee00-1234-4abc-8def-0123456789ab': { 6: 5, 12: 11 },
  '11111111-2222-4333-8444-555555555555': { 6: 1, 12: 1 },
  'abcdefab-cdef-4abc-9def-abcdefabcdef': { 6: 2, 12: 2 },
};

describe('shared Kafka producer against the real broker', () => {
  const kafka = kafkaClient('ingest-producer-test');
  const topics = { 6: uniqueName('ingest_producer_6'), 12: uniqueName('ingest_producer_12') };
  const config = (topic: string) =>
    readKafkaProducerConfig(
      { KAFKA_BROKERS: services.kafka.brokers, KAFKA_TOPIC: topic },
      { clientId: 'itest' },
    );
  const producer = new ManagedKafkaProducer(config(topics[6]));

  beforeAll(async () => {
    await ensureTopics(kafka, [
      { topic: topics[6], numPartitions: 6 },
      { topic: topics[12], numPartitions: 12 },
    ]);
  });

  afterAll(async () => {
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => {});
    await admin.disconnect();
  });

  it.each([6, 12] as const)(
    'puts every user id on the partition a Java producer would choose (%i partitions)',
    async (partitions) => {
      const events = Object.keys(JAVA_PARTITIONS).map((id) =>
        buildUserCreatedEvent(sampleUserPayload({ id }), { source: 'ingest-http' }),
      );
      const published = await publishEvents(producer, topics[partitions], events, 'Root=1-itest');
      expect(published.eventIds).toEqual(events.map((e) => e.event_id));

      const consumed = await consumeAll(kafka, topics[partitions], events.length);
      for (const { partition, message } of consumed) {
        const key = message.key?.toString() ?? '';
        expect(partition).toBe(JAVA_PARTITIONS[key]?.[partitions]);
        const value = JSON.parse(message.value?.toString() ?? '{}') as {
          event_id: string;
          payload: { id: string };
        };
        expect(value.payload.id).toBe(key);
        expect(message.headers?.schema_version?.toString()).toBe('2');
        expect(message.headers?.event_type?.toString()).toBe('user.created');
        expect(message.headers?.trace_id?.toString()).toBe('Root=1-itest');
      }
      expect(consumed.map((c) => c.message.key?.toString()).sort()).toEqual(
        Object.keys(JAVA_PARTITIONS).sort(),
      );
    },
  );

  it('reconnects after being disconnected', async () => {
    await producer.disconnect();
    expect(producer.isConnected()).toBe(false);
    const event = buildUserCreatedEvent(sampleUserPayload(), { source: 'ingest-http' });
    await publishEvents(producer, topics[6], [event]);
    expect(producer.isConnected()).toBe(true);
  });

  it('reports a topic that does not exist as unavailable, after its bounded retries', async () => {
    const event = buildUserCreatedEvent(sampleUserPayload(), { source: 'ingest-http' });
    await expect(publishEvents(producer, uniqueName('ingest_missing'), [event])).rejects.toThrow(
      KafkaUnavailableError,
    );
  });
});
