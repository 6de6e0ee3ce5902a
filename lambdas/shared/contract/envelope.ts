import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { isoDateTimeField, uuidField } from './user-payload.js';

export const EVENT_SOURCE_MAX_LENGTH = 64;
/** Lower-case slug, e.g. 'ingest-http', 'ingest-pull', 'replay'; it becomes a metric dimension. */
export const EVENT_SOURCE_PATTERN = /^[a-z][a-z0-9._-]*$/;

/**
 * The shape of one event type's envelope, in wire order: the fields every type shares (event_id, source, the
 * two instants) around the type's own `event_type` literal, `schema_version` and `payload`. One definition,
 * so every type validates the shared fields alike.
 */
export function envelopeShape<Type extends string, Version extends number, Payload extends z.ZodType>(
  eventType: Type,
  version: Version,
  occurredAtDescription: string,
  payload: Payload,
) {
  return {
    event_id: uuidField().describe('Unique per produced event; replaying a failed batch keeps it.'),
    event_type: z.literal(eventType),
    schema_version: z.literal(version),
    source: z
      .string()
      .max(EVENT_SOURCE_MAX_LENGTH)
      .regex(EVENT_SOURCE_PATTERN, 'must be a lower-case slug such as ingest-http')
      .describe('Which producer created the event.'),
    occurred_at: isoDateTimeField().describe(occurredAtDescription),
    ingested_at: isoDateTimeField().describe('When the pipeline accepted the event and built its envelope.'),
    payload,
  };
}

export interface BuildEventOptions {
  /** Producer slug, e.g. 'ingest-http'. */
  readonly source: string;
  /** When the event happened at the source; defaults to the ingestion time. */
  readonly occurredAt?: Date | string;
  /** Defaults to a new random UUID. */
  readonly eventId?: string;
  /** Clock for ingested_at; defaults to the system clock. */
  readonly now?: () => Date;
}

/** The shared envelope values of an event a producer builds (validated with the rest by the type's schema). */
export function envelopeValues(options: BuildEventOptions): {
  event_id: string;
  source: string;
  occurred_at: string;
  ingested_at: string;
} {
  const ingestedAt = options.now ? options.now() : new Date();
  return {
    event_id: options.eventId ?? randomUUID(),
    source: options.source,
    occurred_at: toIsoString(options.occurredAt ?? ingestedAt),
    ingested_at: toIsoString(ingestedAt),
  };
}

function toIsoString(value: Date | string): string {
  if (typeof value === 'string') return value;
  // An invalid Date would make toISOString throw a RangeError; let the schema report it as a field issue.
  return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
}
