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

/** Writes users and dead letters to PostgreSQL, atomically per batch. */
export interface RelationalUserStore {
  write(batch: { users: readonly AcceptedEvent[]; deadLetters: readonly DeadLetter[] }): Promise<void>;
}

/** Writes users to Cassandra / Amazon Keyspaces. */
export interface WideColumnUserStore {
  write(users: readonly AcceptedEvent[]): Promise<void>;
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
  readonly postgresMs: number;
  readonly cassandraMs: number;
  /** Age of the oldest record in the batch when processing began (ms); 0 for an empty batch. */
  readonly oldestRecordAgeMs: number;
}

export interface ProcessorDependencies {
  readonly postgres: RelationalUserStore;
  readonly cassandra: WideColumnUserStore;
  readonly logger: ProcessorLogger;
  readonly now?: () => number;
}

/** Thrown when a store write fails: the invocation fails and Lambda retries the whole batch. */
export class StoreWriteError extends Error {
  constructor(
    readonly failedStores: readonly ('postgres' | 'cassandra')[],
    readonly causes: readonly unknown[],
  ) {
    super(
      `write to ${failedStores.join(' and ')} failed; the batch will be retried (writes are idempotent): ${causes
        .map((c) => (c instanceof Error ? c.message : String(c)))
        .join('; ')}`,
    );
    this.name = 'StoreWriteError';
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
export function classifyRecord(record: DecodedKafkaRecord): Classified {
  if (record.value === null || record.value.length === 0) {
    return {
      ok: false,
      deadLetter: deadLetterOf(record, 'empty_value', [{ path: '', message: 'record has no value' }]),
    };
  }
  const decoded = decodeUserCreatedEvent(record.value);
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

/**
 * Processes one MSK batch: decode, validate, dead-letter the invalid, then write the valid to both stores
 * concurrently. Both writes are idempotent, so when one store fails the batch is retried as a whole and the
 * store that already succeeded sees the same writes again without effect.
 */
export async function processMskEvent(event: MSKEvent, deps: ProcessorDependencies): Promise<BatchOutcome> {
  const now = deps.now ?? Date.now;
  const startedAt = now();
  const records = mskRecords(event).map(decodeMskRecord);
  const accepted: AcceptedEvent[] = [];
  const deadLetters: DeadLetter[] = [];
  for (const record of records) {
    const result = classifyRecord(record);
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

  let postgresMs = 0;
  let cassandraMs = 0;
  const [pgResult, cassandraResult] = await Promise.allSettled([
    timed(() => deps.postgres.write({ users, deadLetters })).then((ms) => {
      postgresMs = ms;
    }),
    users.length === 0
      ? Promise.resolve()
      : timed(() => deps.cassandra.write(users)).then((ms) => {
          cassandraMs = ms;
        }),
  ]);
  const failed: ('postgres' | 'cassandra')[] = [];
  const causes: unknown[] = [];
  if (pgResult.status === 'rejected') {
    failed.push('postgres');
    causes.push(pgResult.reason);
  }
  if (cassandraResult.status === 'rejected') {
    failed.push('cassandra');
    causes.push(cassandraResult.reason);
  }
  if (failed.length > 0) throw new StoreWriteError(failed, causes);

  const oldest = records.reduce((min, r) => Math.min(min, r.timestamp), Number.POSITIVE_INFINITY);
  return {
    received: records.length,
    valid: accepted.length,
    invalid: deadLetters.length,
    superseded: accepted.length - users.length,
    postgresMs,
    cassandraMs,
    oldestRecordAgeMs: records.length === 0 ? 0 : Math.max(0, startedAt - oldest),
  };
}
