/**
 * What a Kafka event source mapping writes to its Kafka on-failure destination (`KafkaDlq`), one message per
 * failed record, as the AWS Lambda developer guide documents it ("Using a Kafka topic as an on-failure
 * destination", section "Record format for a Kafka destination"):
 *
 * - the message key is the failed record's own key (Lambda "uses the same partition key from the original
 *   record"); a record without key is spread round-robin;
 * - the message value is this JSON document: failure metadata (`requestContext`, `responseContext`,
 *   `version`, `timestamp`, `KafkaBatchInfo` with `batchSize: 1` and the record's `recordInfo`) and the
 *   `payload`, an MSK event carrying exactly the failed record (base64 key and value, headers as bytes).
 *
 * The local MSK bridge writes exactly this; replay reads it back (`npm run replay -- failed-batches`, the
 * `replay_failed_batches` DAG). Only the fields listed here are relied on.
 */
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import { z } from 'zod';

/** The document's `version`. */
export const FAILED_RECORD_VERSION = '1.0';

/**
 * Why the record went to the destination. The Kafka destination page shows `RetriesExhausted`; the age
 * limit (MaximumRecordAgeInSeconds) is reported as `RecordAgeExceeded`, as for the other stream sources.
 */
export const FAILURE_CONDITIONS = ['RetriesExhausted', 'RecordAgeExceeded'] as const;
export type FailureCondition = (typeof FAILURE_CONDITIONS)[number];

const recordSchema = z.object({
  topic: z.string(),
  partition: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  timestamp: z.number(),
  timestampType: z.string(),
  key: z.string().optional(),
  value: z.string().optional(),
  headers: z.array(z.record(z.string(), z.array(z.number().int()))),
});

const failedRecordSchema = z.object({
  requestContext: z.object({
    requestId: z.string(),
    functionArn: z.string(),
    condition: z.string(),
    approximateInvokeCount: z.number().int().nonnegative(),
  }),
  /** The last invocation's response; null when the record aged out before any invocation. */
  responseContext: z
    .object({ statusCode: z.number(), executedVersion: z.string(), functionError: z.string() })
    .nullable(),
  version: z.string(),
  timestamp: z.string(),
  KafkaBatchInfo: z.object({
    batchSize: z.literal(1),
    eventSourceArn: z.string(),
    bootstrapServers: z.string(),
    payloadSize: z.number().int().nonnegative(),
    recordInfo: z.object({ offset: z.string(), timestamp: z.string() }),
  }),
  payload: z.object({
    eventSource: z.literal('aws:kafka'),
    eventSourceArn: z.string(),
    bootstrapServers: z.string(),
    records: z.record(z.string(), z.array(recordSchema).length(1)),
  }),
});

/** One message of the failure topic, as the mapping writes it. */
export type KafkaFailedRecord = z.infer<typeof failedRecordSchema>;

/** Thrown when a failure-topic message is not a failed-record document. */
export class FailedRecordFormatError extends Error {
  override readonly name = 'FailedRecordFormatError';
}

/** What the failure metadata says about the invocations that failed. */
export interface FailureContext {
  readonly condition: FailureCondition;
  /** Invocations that carried this record (0 when it aged out first). */
  readonly invokeCount: number;
  readonly functionArn: string;
  readonly requestId: string;
  /** The last invocation's error type (`Unhandled` for a thrown error); undefined when not invoked. */
  readonly functionError?: string;
  /** When the record was given up. */
  readonly at: Date;
}

/**
 * Builds the failure-topic document for one record of an MSK event.
 *
 * @param event an MSK event whose only record is the failed one
 */
export function toFailedRecord(event: MSKEvent, failure: FailureContext): KafkaFailedRecord {
  const record = onlyRecord(event.records);
  return {
    requestContext: {
      requestId: failure.requestId,
      functionArn: failure.functionArn,
      condition: failure.condition,
      approximateInvokeCount: failure.invokeCount,
    },
    responseContext:
      failure.functionError === undefined
        ? null
        : { statusCode: 200, executedVersion: '$LATEST', functionError: failure.functionError },
    version: FAILED_RECORD_VERSION,
    timestamp: failure.at.toISOString(),
    KafkaBatchInfo: {
      batchSize: 1,
      eventSourceArn: event.eventSourceArn,
      bootstrapServers: event.bootstrapServers,
      payloadSize: Buffer.byteLength(JSON.stringify(event)),
      recordInfo: { offset: String(record.offset), timestamp: new Date(record.timestamp).toISOString() },
    },
    payload: {
      eventSource: 'aws:kafka',
      eventSourceArn: event.eventSourceArn,
      bootstrapServers: event.bootstrapServers,
      records: event.records as KafkaFailedRecord['payload']['records'],
    },
  };
}

/** Parses a failure-topic message value. @throws FailedRecordFormatError */
export function parseFailedRecord(value: string | Buffer): KafkaFailedRecord {
  let json: unknown;
  try {
    json = JSON.parse(value.toString());
  } catch {
    throw new FailedRecordFormatError('failure-topic message is not JSON');
  }
  const parsed = failedRecordSchema.safeParse(json);
  if (!parsed.success) {
    throw new FailedRecordFormatError(`not a failed-record document: ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}

/** The original record a failed-record document carries. */
export function originalRecord(failed: KafkaFailedRecord): MSKRecord {
  return onlyRecord(failed.payload.records as MSKEvent['records']);
}

/** The original record as a Kafka message to produce again: same key, value and headers. */
export function toReplayMessage(failed: KafkaFailedRecord): {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
} {
  const record = originalRecord(failed);
  const headers: Record<string, Buffer> = {};
  for (const entry of record.headers) {
    for (const [name, bytes] of Object.entries(entry)) headers[name] = Buffer.from(bytes);
  }
  return {
    key: record.key === undefined ? null : Buffer.from(record.key, 'base64'),
    value: record.value === undefined ? null : Buffer.from(record.value, 'base64'),
    headers,
  };
}

function onlyRecord(records: MSKEvent['records']): MSKRecord {
  const all = Object.values(records).flat();
  if (all.length !== 1) {
    throw new FailedRecordFormatError(`a failed-record payload carries one record, found ${all.length}`);
  }
  return all[0] as MSKRecord;
}
