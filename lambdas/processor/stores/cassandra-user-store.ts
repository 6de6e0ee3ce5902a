import { type Client, types } from 'cassandra-driver';
import { executeIdempotentWrites } from '../../shared/clients/keyspaces-retry.js';
import { type LineageColumnName, USER_FIELDS, type UserField } from '../../shared/contract/fields.js';
import { occurredAtMicros } from '../../shared/contract/index.js';
import {
  type ColumnDefinition,
  cassandraTablesOf,
  SIGNUP_DAY_BUCKET_COLUMN,
  SIGNUP_INSTANT_FIELD,
  type SignupDayLayout,
  type TableDefinition,
  type UsersBySignupDayPartition,
  usersBySignupDayPartition,
} from '../../shared/schema/cassandra/index.js';
import type { AcceptedDeletion, AcceptedEvent, Sink, SinkBatch } from '../process-batch.js';
import { CassandraErasure, tombstoneAdmission } from './cassandra-erasure.js';

type Event = AcceptedEvent['event'];
type Payload = Event['payload'];

/** What one user's rows are built from, with each date-time parsed once. */
interface RowContext {
  readonly event: Event;
  readonly key: UsersBySignupDayPartition;
  readonly occurredAt: Date;
  readonly ingestedAt: Date;
}

type ValueOf = (context: RowContext) => unknown;

/** The driver's constructor also takes days since the epoch (documented; missing from its typings). */
const LocalDateOfEpochDays = types.LocalDate as unknown as new (daysSinceEpoch: number) => types.LocalDate;
/** Days since the epoch of 0000-01-01 and 9999-12-31: the days a 'YYYY-MM-DD' literal can name. */
const FIRST_FOUR_DIGIT_YEAR_DAY = -719_528;
const LAST_FOUR_DIGIT_YEAR_DAY = 2_932_896;

/**
 * The CQL date of the signup day, from days since the epoch. A UTC day outside years 0000-9999 (a zone offset
 * can move 0000-01-01 or 9999-12-31 across) keeps failing as the day's text always did: toISOString writes
 * such a year with a sign and six digits, which LocalDate.fromString rejects.
 */
function signupLocalDate({ signupEpochDay, signupInstant }: UsersBySignupDayPartition): types.LocalDate {
  if (signupEpochDay >= FIRST_FOUR_DIGIT_YEAR_DAY && signupEpochDay <= LAST_FOUR_DIGIT_YEAR_DAY) {
    return new LocalDateOfEpochDays(signupEpochDay);
  }
  return types.LocalDate.fromString(signupInstant.toISOString().slice(0, 10));
}

/** Lineage values by column; a lineage column added to the registry fails to compile until it has one. */
const LINEAGE_VALUE: Readonly<Record<LineageColumnName, ValueOf>> = {
  event_id: ({ event }) => event.event_id,
  schema_version: ({ event }) => event.schema_version,
  source: ({ event }) => event.source,
  occurred_at: ({ occurredAt }) => occurredAt,
  ingested_at: ({ ingestedAt }) => ingestedAt,
  kafka_topic: () => null,
  kafka_partition: () => null,
  kafka_offset: () => null,
};

/** The derived key columns of the day tables, and the registry's signup instant parsed once. */
const KEY_VALUE: Readonly<Record<string, ValueOf>> = {
  signup_day: ({ key }) => signupLocalDate(key),
  country: ({ key }) => key.country,
  [SIGNUP_DAY_BUCKET_COLUMN]: ({ key }) => key.bucket,
  [SIGNUP_INSTANT_FIELD]: ({ key }) => key.signupInstant,
};

const FIELD_BY_NAME = new Map((USER_FIELDS as readonly UserField[]).map((field) => [field.name, field]));

/** How one column's value is read; every table column must be a key column, a payload field or lineage. */
function columnReader(column: ColumnDefinition): ValueOf {
  const known = KEY_VALUE[column.name] ?? LINEAGE_VALUE[column.name as LineageColumnName];
  if (known) return known;
  const field = FIELD_BY_NAME.get(column.name);
  if (!field) throw new RangeError(`no value for Cassandra column ${column.name}`);
  const name = field.name as keyof Payload;
  if (field.cassandra.type === 'timestamp') return ({ event }) => new Date(event.payload[name] as string);
  // A field an older event version lacks is written as null: the newest event is the whole row.
  return ({ event }) => event.payload[name] ?? null;
}

/** A table's columns as value readers, in column order: one statement's parameters. */
function rowReaders(table: TableDefinition): readonly ValueOf[] {
  return table.columns.map(columnReader);
}

function rowContext({ event }: AcceptedEvent, buckets: number): RowContext {
  return {
    event,
    key: usersBySignupDayPartition(event.payload, buckets),
    occurredAt: new Date(event.occurred_at),
    ingestedAt: new Date(event.ingested_at),
  };
}

/** Column values of one table for one user, by column name (tests and the bench's ceiling). */
export function cassandraRow(
  table: TableDefinition,
  accepted: AcceptedEvent,
  buckets: number,
): Record<string, unknown> {
  const context = rowContext(accepted, buckets);
  const readers = rowReaders(table);
  return Object.fromEntries(
    table.columns.map((column, i) => [column.name, (readers[i] as ValueOf)(context)]),
  );
}

/** Largest |epoch ms| whose value in µs is still an exact double. */
const MAX_EXACT_MICROS_MS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

function writeTimeAt(occurredAtMs: number, subMillisecondMicros: number): types.Long {
  // Where the sum is exact, one Long replaces a Long and a 64-bit multiply; the value is the same.
  return Math.abs(occurredAtMs) < MAX_EXACT_MICROS_MS
    ? types.Long.fromNumber(occurredAtMs * 1000 + subMillisecondMicros)
    : types.Long.fromNumber(occurredAtMs).multiply(1000).add(subMillisecondMicros);
}

/** The write time of an occurred_at: its microseconds, as PostgreSQL keeps them (event-order.ts). */
function writeTimeOfInstant(occurredAt: string, occurredAtMs: number): types.Long {
  return writeTimeAt(occurredAtMs, occurredAtMicros(occurredAt) - occurredAtMs * 1000);
}

/** INSERT for every column of the definition, so the statement follows the one schema definition. */
export function insertStatement(keyspace: string, table: TableDefinition): string {
  const names = table.columns.map((c) => c.name);
  return `INSERT INTO ${keyspace}.${table.name} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')}) USING TIMESTAMP ?`;
}

/**
 * Write time = the event's occurred_at in microseconds. Cassandra keeps the cell with the highest write time,
 * so an older event arriving late never overwrites a newer one and a replay rewrites identical cells: the
 * same rule as the PostgreSQL upsert (ties: cassandra-erasure.ts). (Keyspaces needs client-side timestamps
 * enabled on the table.)
 */
export function writeTimeOf({ event }: AcceptedEvent): types.Long {
  return writeTimeOfInstant(event.occurred_at, Date.parse(event.occurred_at));
}

/** The parameters of each table's INSERT for one user, in the order of `tables`, write time last. */
export type CassandraUserWrite = (accepted: AcceptedEvent, writeTimeOverride?: types.Long) => unknown[][];

/**
/**
 * The row builder of the layout's tables (cassandraTablesOf): each user's key, with its bucket, is derived once
 * and shared by every table's row. The write time is the event's own (writeTimeOf) unless the tombstone check
 * gave another (cassandra-erasure.ts).
 */
export function cassandraUserWriter(layout: SignupDayLayout): CassandraUserWrite {
  const tableReaders = cassandraTablesOf(layout).map(rowReaders);
  const { buckets } = layout;
  return (accepted, writeTimeOverride) => {
    const context = rowContext(accepted, buckets);
    const writeTime =
      writeTimeOverride ?? writeTimeOfInstant(accepted.event.occurred_at, context.occurredAt.getTime());
    return tableReaders.map((readers) => {
      const params = new Array<unknown>(readers.length + 1);
      for (let i = 0; i < readers.length; i++) params[i] = (readers[i] as ValueOf)(context);
      params[readers.length] = writeTime;
      return params;
    });
  };
}

export interface CassandraUserStoreOptions {
  readonly keyspace: string;
  /** The stage's day tables: the bucket count, and whether the legacy table is written too. */
  readonly signupDay: SignupDayLayout;
  /** Statements in flight at once. @default 64 */
  readonly concurrency?: number;
}

/**
 * The Cassandra / Keyspaces sink: idempotent, newest-wins upserts with prepared statements; deletions and the
 * tombstone check of creates in cassandra-erasure.ts.
 */
export class CassandraUserStore implements Sink {
  readonly name = 'cassandra';
  /** One INSERT per table of the layout, in the order of the writer's parameter lists. */
  private readonly statements: readonly string[];
  private readonly userWrite: CassandraUserWrite;
  private readonly erasure: CassandraErasure;

  constructor(
    private readonly client: Client,
    private readonly options: CassandraUserStoreOptions,
  ) {
    const tables = cassandraTablesOf(options.signupDay);
    this.statements = tables.map((table) => insertStatement(options.keyspace, table));
    this.userWrite = cassandraUserWriter(options.signupDay);
    const { buckets } = options.signupDay;
    this.erasure = new CassandraErasure(client, {
      keyspace: options.keyspace,
      dayTables: tables.slice(1),
      rowOf: (table, accepted) => cassandraRow(table, accepted, buckets),
      concurrency: options.concurrency ?? 64,
    });
  }

  async delete(deletions: readonly AcceptedDeletion[]): Promise<void> {
    await this.erasure.erase(deletions);
  }

  async write({ users }: SinkBatch): Promise<void> {
    if (users.length === 0) return;
    // Creates that are not newer than their user's deletion are dropped here, in every table.
    const admitted = await tombstoneAdmission(this.client, this.options.keyspace, users);
    const queries: { query: string; params: unknown[] }[] = [];
    for (const { accepted, writeTime } of admitted) {
      const params = this.userWrite(accepted, writeTime);
      params.forEach((values, i) => {
        queries.push({ query: this.statements[i] as string, params: values });
      });
    }
    // Statements that hit a Keyspaces capacity error are sent again after a backoff; any other failure (or
    // capacity errors past the last round) fails the batch, which Lambda then retries as a whole.
    await executeIdempotentWrites(this.client, queries, { concurrencyLevel: this.options.concurrency ?? 64 });
  }
}
