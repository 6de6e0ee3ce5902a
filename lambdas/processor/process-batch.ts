import type { MSKEvent } from 'aws-lambda';
import {
  type ContractIssue,
  compareEvents,
  decodePipelineEvent,
  isUserDeletedEvent,
  type SupportedEvents,
  type UserCreatedEvent,
  type UserDeletedEvent,
} from '../shared/contract/index.js';
import type { StructuredLogger } from '../shared/logger.js';
import type { DeadLetter } from './dead-letter.js';
import {
  type DecodedKafkaRecord,
  decodeMskRecord,
  type KafkaCoordinates,
  mskRecords,
} from './msk-records.js';

/** A user.created event that passed the contract, with where it came from in Kafka. */
export interface AcceptedEvent {
  readonly event: UserCreatedEvent;
  readonly source: KafkaCoordinates;
}

/** A user.deleted event that passed the contract, with where it came from in Kafka. */
export interface AcceptedDeletion {
  readonly event: UserDeletedEvent;
  readonly source: KafkaCoordinates;
}

/** A valid record of any event type. */
export type AcceptedRecord = AcceptedEvent | AcceptedDeletion;

/** What every sink's `write` receives for one batch: the newest create per user, and the batch's dead letters. */
export interface SinkBatch {
  readonly users: readonly AcceptedEvent[];
  readonly deadLetters: readonly DeadLetter[];
}

/**
 * One sink: a store the processor writes every batch to. Both methods must be idempotent (a failed batch is retried whole, so a
 * sink that already succeeded sees the same calls again) and follow the one order of a user's events
 * (compareEvents: occurred_at, then event_id), whichever of a user's events arrives first:
 * - `write` upserts users: a create replaces a row only if it is newer, and never lands if the user's
 *   deletion is newer or equal. A sink that keeps dead letters (PostgreSQL) writes them; the others ignore them.
 * - `delete` erases users: each deletion removes the user's data if it is newer than what the sink holds, and
 *   the sink keeps a tombstone (no personal data) so that an older create arriving later is refused.
 * A sink must delete: personal data must be erasable everywhere it is written.
 */
export interface Sink {
  /** Lower-case name: metric names and failure attribution (`PostgresWriteLatency`, `failedSinks`). */
  readonly name: string;
  write(batch: SinkBatch): Promise<void>;
  delete(deletions: readonly AcceptedDeletion[]): Promise<void>;
}

/** The figures a batch reports; the handler turns them into CloudWatch metrics. */
export interface BatchOutcome {
  readonly received: number;
  readonly valid: number;
  readonly invalid: number;
  /** Valid user.deleted events among `valid`. */
  readonly deletions: number;
  /** Valid events superseded by a newer event of the same type for the same user in the same batch. */
  readonly superseded: number;
  /** Write time of each sink, ms, by sink name. */
  readonly sinkWriteMs: Readonly<Record<string, number>>;
  /** For each stored user: ms from its ingested_at until every sink had written the batch. */
  readonly endToEndMs: readonly number[];
  /** Age of the oldest record in the batch when processing began (ms); 0 for an empty batch. */
  readonly oldestRecordAgeMs: number;
}

export interface ProcessorDependencies {
  /** The sinks, in order; all are written concurrently and each must succeed. */
  readonly sinks: readonly Sink[];
  readonly logger: StructuredLogger;
  readonly now?: () => number;
  /**
   * Versions of user.created this processor accepts. @default SUPPORTED_SCHEMA_VERSIONS (all of the registry).
   * A smaller list stands for an older build: the rolling-upgrade test runs the real handler code as the
   * previous release.
   */
  readonly supportedSchemaVersions?: readonly number[];
  /** Event types this processor accepts. @default every type of the registry (an older build knows fewer) */
  readonly supportedEventTypes?: readonly string[];
}

/** Thrown when a sink write fails: the invocation fails and Lambda retries the whole batch. */
export class SinkWriteError extends Error {
  constructor(
    readonly failedSinks: readonly string[],
    readonly causes: readonly unknown[],
  ) {
    super(
      `write to ${failedSinks.join(' and ')} failed; the batch will be retried (writes are idempotent): ${causes
        .map((c) => (c instanceof Error ? c.message : String(c)))
        .join('; ')}`,
    );
    this.name = 'SinkWriteError';
  }
}

type Classified = { ok: true; accepted: AcceptedRecord } | { ok: false; deadLetter: DeadLetter };

function deadLetterOf(
  record: DecodedKafkaRecord,
  reason: DeadLetter['reason'],
  issues: readonly ContractIssue[],
) {
  return { reason, issues, record } satisfies DeadLetter;
}

/**
 * Decode + validate one record of any event type. Never throws: a bad record, or one of a type this build does
 * not know (`unsupported_event_type`), becomes a dead letter with a precise reason.
 */
export function classifyRecord(record: DecodedKafkaRecord, supported?: SupportedEvents): Classified {
  if (record.value === null || record.value.length === 0) {
    return {
      ok: false,
      deadLetter: deadLetterOf(record, 'empty_value', [{ path: '', message: 'record has no value' }]),
    };
  }
  const decoded = decodePipelineEvent(record.value, supported);
  if (!decoded.ok) return { ok: false, deadLetter: deadLetterOf(record, decoded.reason, decoded.issues) };
  const { event } = decoded;
  if (record.key !== null && record.key !== event.payload.id) {
    // The key decides the partition and so per-user ordering; a mismatch means a faulty producer.
    return {
      ok: false,
      deadLetter: deadLetterOf(record, 'key_mismatch', [
        { path: 'payload.id', message: `record key ${JSON.stringify(record.key)} differs from payload.id` },
      ]),
    };
  }
  return { ok: true, accepted: { event, source: record } as AcceptedRecord };
}

/**
 * Keeps one event per user (the newest by compareEvents, the order every sink applies): a multi-row statement
 * may touch each key only once. Creates and deletions are collapsed separately and both go to the sinks, whose
 * newest-wins rules make their order irrelevant: a deletion superseded by a newer create in the same batch
 * still purges the dead letters and leaves a tombstone, and the create still lands.
 */
export function latestPerUser<Accepted extends AcceptedRecord>(events: readonly Accepted[]): Accepted[] {
  const byUser = new Map<string, Accepted>();
  for (const accepted of events) {
    // Ids are compared as UUIDs: a producer may send either letter case.
    const user = accepted.event.payload.id.toLowerCase();
    const current = byUser.get(user);
    if (!current || compareEvents(accepted.event, current.event) > 0) byUser.set(user, accepted);
  }
  return [...byUser.values()];
}

function isDeletion(accepted: AcceptedRecord): accepted is AcceptedDeletion {
  return isUserDeletedEvent(accepted.event);
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * Writes the batch to every sink concurrently (within one sink: the creates, then the deletions); throws
 * SinkWriteError naming each sink that failed.
 */
async function writeToSinks(
  sinks: readonly Sink[],
  batch: SinkBatch,
  deletions: readonly AcceptedDeletion[],
): Promise<Record<string, number>> {
  const results = await Promise.allSettled(
    sinks.map((sink) =>
      timed(async () => {
        await sink.write(batch);
        if (deletions.length > 0) await sink.delete(deletions);
      }),
    ),
  );
  const failedSinks: string[] = [];
  const causes: unknown[] = [];
  const sinkWriteMs: Record<string, number> = {};
  results.forEach((result, index) => {
    const name = (sinks[index] as Sink).name;
    if (result.status === 'fulfilled') sinkWriteMs[name] = result.value;
    else {
      failedSinks.push(name);
      causes.push(result.reason);
    }
  });
  if (failedSinks.length > 0) throw new SinkWriteError(failedSinks, causes);
  return sinkWriteMs;
}

/**
 * Processes one MSK batch: decode, validate, dead-letter the invalid, then write the valid to every sink
 * concurrently. Every write is idempotent, so when one sink fails the batch is retried as a whole and the
 * sinks that already succeeded see the same writes again without effect.
 */
export async function processMskEvent(event: MSKEvent, deps: ProcessorDependencies): Promise<BatchOutcome> {
  const now = deps.now ?? Date.now;
  const startedAt = now();
  const records = mskRecords(event).map(decodeMskRecord);
  const accepted: AcceptedEvent[] = [];
  const deleted: AcceptedDeletion[] = [];
  const deadLetters: DeadLetter[] = [];
  const supported: SupportedEvents = {
    ...(deps.supportedSchemaVersions ? { userCreatedVersions: deps.supportedSchemaVersions } : {}),
    ...(deps.supportedEventTypes ? { eventTypes: deps.supportedEventTypes } : {}),
  };
  for (const record of records) {
    const result = classifyRecord(record, supported);
    if (!result.ok) deadLetters.push(result.deadLetter);
    else if (isDeletion(result.accepted)) deleted.push(result.accepted);
    else accepted.push(result.accepted);
  }
  for (const dead of deadLetters) {
    const { topic, partition, offset } = dead.record;
    deps.logger.warn('record dead-lettered', {
      reason: dead.reason,
      topic,
      partition,
      offset,
      issues: dead.issues,
    });
  }
  const users = latestPerUser(accepted);
  const deletions = latestPerUser(deleted);
  const sinkWriteMs = await writeToSinks(deps.sinks, { users, deadLetters }, deletions);
  const writtenAt = now();

  const oldest = records.reduce((min, r) => Math.min(min, r.timestamp), Number.POSITIVE_INFINITY);
  return {
    received: records.length,
    valid: accepted.length + deleted.length,
    invalid: deadLetters.length,
    deletions: deleted.length,
    superseded: accepted.length - users.length + deleted.length - deletions.length,
    sinkWriteMs,
    endToEndMs: users.map(({ event }) => Math.max(0, writtenAt - Date.parse(event.ingested_at))),
    oldestRecordAgeMs: records.length === 0 ? 0 : Math.max(0, startedAt - oldest),
  };
}
