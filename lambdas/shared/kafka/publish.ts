import type { RecordMetadata } from 'kafkajs';
import { type PipelineEvent, toKafkaMessage } from '../contract/index.js';
import { toKafkaFailure } from './errors.js';
import type { MessageSender } from './producer.js';

export interface PublishedEvents {
  /** event_id of every event, in input order; all of them were acknowledged by the in-sync replicas. */
  readonly eventIds: readonly string[];
  /** Base offset per partition written, as the broker reported it. */
  readonly partitions: readonly RecordMetadata[];
}

/**
 * Produces the events in ONE send with acks=-1 and resolves only when the broker acknowledged all of them.
 * Each message is keyed by the user id with the contract's headers (toKafkaMessage). The messages are all
 * built before anything is sent, so an event the contract refuses (EventTooLargeError) sends nothing.
 * Throws KafkaUnavailableError or KafkaProduceError when Kafka did not acknowledge.
 *
 * One send is one produce request per broker; callers keep a batch small enough for the topic's
 * max.message.bytes even if every message lands on the same partition.
 */
export async function publishEvents(
  producer: MessageSender,
  topic: string,
  events: readonly PipelineEvent[],
  traceId?: string,
): Promise<PublishedEvents> {
  if (events.length === 0) return { eventIds: [], partitions: [] };
  const messages = events.map((event) => {
    const message = toKafkaMessage(event, traceId);
    return { key: message.key, value: message.value, headers: { ...message.headers } };
  });
  let partitions: RecordMetadata[];
  try {
    partitions = await producer.send({ topic, acks: -1, messages });
  } catch (error) {
    throw toKafkaFailure(error, `producing ${messages.length} event(s) to ${topic}`);
  }
  return { eventIds: events.map((event) => event.event_id), partitions };
}
