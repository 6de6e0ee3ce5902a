import { EventTooLargeError } from './errors.js';
import type { PipelineEvent } from './pipeline-event.js';
import { MAX_EVENT_BYTES } from './user-created-event.js';

/**
 * Default topic; deployments may override the name through configuration. It carries every event type of a
 * user (user.created and user.deleted), keyed by the user id, so one user's events share a partition.
 */
export const USERS_CREATED_TOPIC = 'users_created';

/** Header names on every Kafka message of the contract. Values are UTF-8 strings. */
export const KAFKA_HEADER = {
  schemaVersion: 'schema_version',
  traceId: 'trace_id',
  eventType: 'event_type',
} as const;

export type KafkaHeaderName = (typeof KAFKA_HEADER)[keyof typeof KAFKA_HEADER];

/** Structurally a kafkajs `Message`. */
export interface UserCreatedKafkaMessage {
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Partial<Record<KafkaHeaderName, string>>>;
}

/**
 * Serialises an event (of any type) for the users_created topic. The key is payload.id verbatim, so all events
 * of one user, creates and deletes alike, land on one partition in order and a consumer can check
 * `key === payload.id`. Throws EventTooLargeError above MAX_EVENT_BYTES.
 */
export function toKafkaMessage(event: PipelineEvent, traceId?: string): UserCreatedKafkaMessage {
  const value = JSON.stringify(event);
  const sizeBytes = Buffer.byteLength(value, 'utf8');
  if (sizeBytes > MAX_EVENT_BYTES) throw new EventTooLargeError(sizeBytes, MAX_EVENT_BYTES);
  const headers: Partial<Record<KafkaHeaderName, string>> = {
    [KAFKA_HEADER.schemaVersion]: String(event.schema_version),
    [KAFKA_HEADER.eventType]: event.event_type,
  };
  if (traceId !== undefined && traceId !== '') headers[KAFKA_HEADER.traceId] = traceId;
  return { key: event.payload.id, value, headers };
}
