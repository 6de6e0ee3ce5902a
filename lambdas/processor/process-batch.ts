import type { MSKEvent } from 'aws-lambda';
import {
  type ContractIssue,
  decodeUserCreatedEvent,
  type UserCreatedEvent,
} from '../shared/contract/index.js';
import {
  type DecodedKafkaRecord,
  decodeMskRecord,
  type KafkaCoordinates,
  mskRecords,
} from './msk-records.js';
import type { DeadLetter } from './stores/dead-letter.js';

/** An event that passed the contract, with where it came from in Kafka. */
export interface AcceptedEvent {
  readonly event: UserCreatedEvent;
  readonly source: KafkaCoordinates;
}

/** What every sink receives for one batch: the newest event per user, and the batch's dead letters. */
export interface SinkBatch {
  readonly users: readonly AcceptedEvent[];
  readonly deadLetters: readonly DeadLetter[];
}

/**
 * One store the processor writes to. `write` must be idempotent (a failed batch is retried whole, so a sink
 * that already succeeded sees the same writes again) and newest-wins by the event's occurred_at. A sink that
 * keeps dead letters (PostgreSQL) writes them; the others ignore them.
 */
export interface Sink {
  /** Lower-case name: metric names and failure attribution (`PostgresWriteLatency`, `failedSinks`). */
  readonly name: string;
  write(batch: SinkBatch): Promise<void>;
}

export interface ProcessorLogger {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** The figures a batch reports; the handler turns them into CloudWatch metrics. */
export interface BatchOutcome {
  readonly received: number;
  readonly valid: number;
  readonly invalid: number;
  /** Valid events superseded by a newer event for the same user in the same batch. */
  readonly superseded: number;
  /** Write time of each sink, ms, by sink name. */
  readonly sinkWriteMs: Readonly<Record<string, number>>;
  /** For each stored user: ms from its ingested_at until every sink had written the batch. */
  readonly endToEndMs: readonly number[];
  /** Age of the oldest record in the batch when processing began (ms); 0 for an empty batch. */
  readonly oldestRecordAgeMs: number;
}

export interface ProcessorDependencies {
  /** The stores, in order; all are written concurrently and each must succeed. */
  readonly sinks: readonly Sink[];
  readonly logger: ProcessorLogger;
  readonly now?: () => number;
  /**
   * Versions this processor accepts. @default SUPPORTED_SCHEMA_VERSIONS (all of the registry). A smaller list
   * stands for an older build: the rolling-upgrade test runs the real handler code as the previous release.
   */
  readonly supportedSchemaVersions?: readonly number[];
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

type Classified = { ok: true; accepted: AcceptedEvent } | { ok: false; deadLetter: DeadLetter };

function deadLetterOf(
  record: DecodedKafkaRecord,
  reason: DeadLetter['reason'],
  issues: readonly ContractIssue[],
) {
  return { reason, issues, record } satisfies DeadLetter;
}

/** Decode + validate one record. Never throws: a bad record becomes a dead letter with a precise reason. */
export function classifyRecord(
  record: DecodedKafkaRecord,
  supportedSchemaVersions?: readonly number[],
): Classified {
  if (record.value === null || record.value.length === 0) {
    return {
      ok: false,
      deadLetter: deadLetterOf(record, 'empty_value', [{ path: '', message: 'record has no value' }]),
    };
  }
  const decoded = decodeUserCreatedEvent(record.value, supportedSchemaVersions);
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
  return { ok: true, accepted: { event, source: record } };
}

/** Newer of two events for one user: by occurred_at, then ingested_at, then Kafka position. */
export function isNewer(candidate: AcceptedEvent, current: AcceptedEvent): boolean {
  const a = candidate.event;
  const b = current.event;
  if (a.occurred_at !== b.occurred_at) return Date.parse(a.occurred_at) > Date.parse(b.occurred_at);
  if (a.ingested_at !== b.ingested_at) return Date.parse(a.ingested_at) > Date.parse(b.ingested_at);
  return candidate.source.offset > current.source.offset;
}

/** Keeps one event per user (the newest): a multi-row upsert may touch each key only once. */
export function latestPerUser(events: readonly AcceptedEvent[]): AcceptedEvent[] {
  const byUser = new Map<string, AcceptedEvent>();
  for (const accepted of events) {
    const current = byUser.get(accepted.event.payload.id);
    if (!current || isNewer(accepted, current)) byUser.set(accepted.event.payload.id, accepted);
  }
  return [...byUser.values()];
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Writes the batch to every sink concurrently; throws SinkWriteError naming each sink that failed. */
async function writeToSinks(sinks: readonly Sink[], batch: SinkBatch): Promise<Record<string, number>> {
  const results = await Promise.allSettled(sinks.map((sink) => timed(() => sink.write(batch))));
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
  const deadLetters: DeadLetter[] = [];
  for (const record of records) {
    const result = classifyRecord(record, deps.supportedSchemaVersions);
    if (result.ok) accepted.push(result.accepted);
    else deadLetters.push(result.deadLetter);
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
  const sinkWriteMs = await writeToSinks(deps.sinks, { users, deadLetters });
  const writtenAt = now();

  const oldest = records.reduce((min, r) => Math.min(min, r.timestamp), Number.POSITIVE_INFINITY);
  return {
    received: records.length,
    valid: accepted.length,
    invalid: deadLetters.length,
    superseded: accepted.length - users.length,
    sinkWriteMs,
    endToEndMs: users.map(({ event }) => Math.max(0, writtenAt - Date.parse(event.ingested_at))),
    oldestRecordAgeMs: records.length === 0 ? 0 : Math.max(0, startedAt - oldest),
  };
}
