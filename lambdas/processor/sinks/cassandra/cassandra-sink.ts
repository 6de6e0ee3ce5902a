import { type Client, types } from 'cassandra-driver';
import { executeIdempotentWrites } from '../../../shared/clients/keyspaces-retry.js';
import { microsOf } from '../../../shared/clients/keyspaces-write-time.js';
import { type LineageColumnName, USER_FIELDS, type UserField } from '../../../shared/contract/fields.js';
import {
  type ColumnDefinition,
  cassandraTablesOf,
  ORDER_MICROS_COLUMN,
  SIGNUP_DAY_BUCKET_COLUMN,
  SIGNUP_INSTANT_FIELD,
  type SignupDayLayout,
  type TableDefinition,
  type UsersBySignupDayPartition,
  usersBySignupDayPartition,
} from '../../../shared/schema/cassandra/index.js';
import type { AcceptedDeletion, AcceptedEvent, Sink, SinkBatch } from '../../process-batch.js';
import { CassandraErasure, primaryKeyOf, type Statement } from './cassandra-erasure.js';
import {
  type CreateToWrite,
  createsToWrite,
  eventMicros,
  longOf,
  type Row,
  StoredStateReader,
} from './cassandra-stored-state.js';
import { CASSANDRA_SINK_NAME } from './name.js';

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

/** The derived key columns of the day tables, the registry's signup instant parsed once, the order key. */
const KEY_VALUE: Readonly<Record<string, ValueOf>> = {
  signup_day: ({ key }) => signupLocalDate(key),
  country: ({ key }) => key.country,
  [SIGNUP_DAY_BUCKET_COLUMN]: ({ key }) => key.bucket,
  [SIGNUP_INSTANT_FIELD]: ({ key }) => key.signupInstant,
  [ORDER_MICROS_COLUMN.name]: ({ event }) => longOf(eventMicros(event.occurred_at)),
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

/**
 * INSERT for every column of the definition, so the statement follows the one schema definition: at a bound
 * write time (the processor's), or `IF NOT EXISTS` (a copy that must not overwrite a row, at the server's time).
 */
export function insertStatement(
  keyspace: string,
  table: TableDefinition,
  { ifNotExists = false }: { readonly ifNotExists?: boolean } = {},
): string {
  const names = table.columns.map((c) => c.name);
  const tail = ifNotExists ? 'IF NOT EXISTS' : 'USING TIMESTAMP ?';
  return `INSERT INTO ${keyspace}.${table.name} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')}) ${tail}`;
}

/** The parameters of each table's INSERT for one user, in the order of `tables`, the write time last. */
export type CassandraUserWrite = (accepted: AcceptedEvent, writeTime: types.Long) => unknown[][];

/**
 * The row builder of the layout's tables (cassandraTablesOf): each user's key, with its bucket, is derived once
 * and shared by every table's row. The write time is the processor's (cassandra-stored-state.ts).
 */
export function cassandraUserWriter(layout: SignupDayLayout): CassandraUserWrite {
  const tableReaders = cassandraTablesOf(layout).map(rowReaders);
  const { buckets } = layout;
  return (accepted, writeTime) => {
    const context = rowContext(accepted, buckets);
    return tableReaders.map((readers) => {
      const params = new Array<unknown>(readers.length + 1);
      for (let i = 0; i < readers.length; i++) params[i] = (readers[i] as ValueOf)(context);
      params[readers.length] = writeTime;
      return params;
    });
  };
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A key value as comparable text: an instant to the ms, a UUID (payload text or driver Uuid) in lower case. */
function keyText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  return UUID_TEXT.test(text) ? text.toLowerCase() : text;
}

function sameKey(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, i) => keyText(value) === keyText(b[i]));
}

export interface CassandraSinkOptions {
  readonly keyspace: string;
  /** The stage's day tables: the bucket count, and whether the legacy table is written too. */
  readonly signupDay: SignupDayLayout;
  /** Statements in flight at once (and single-partition reads, per table). @default 64 */
  readonly concurrency?: number;
  /** Clock of the write times, ms. @default Date.now */
  readonly now?: () => number;
}

/** One batch's create statements, in the order they are sent: the day tables first, created_users last. */
interface CreateStatements {
  readonly dayRows: Statement[];
  readonly users: Statement[];
}

/**
 * The Cassandra / Keyspaces sink: newest-wins upserts decided by the processor from the stored state
 * (cassandra-stored-state.ts), with prepared statements at a window-safe write time; deletions in
 * cassandra-erasure.ts.
 */
export class CassandraSink implements Sink {
  readonly name = CASSANDRA_SINK_NAME;
  private readonly tables: readonly TableDefinition[];
  /** One INSERT per table of the layout, in the order of the writer's parameter lists. */
  private readonly statements: readonly string[];
  private readonly userWrite: CassandraUserWrite;
  private readonly storedState: StoredStateReader;
  private readonly erasure: CassandraErasure;

  constructor(
    private readonly client: Client,
    private readonly options: CassandraSinkOptions,
  ) {
    this.tables = cassandraTablesOf(options.signupDay);
    this.statements = this.tables.map((table) => insertStatement(options.keyspace, table));
    this.userWrite = cassandraUserWriter(options.signupDay);
    const concurrency = options.concurrency ?? 64;
    this.storedState = new StoredStateReader(client, { keyspace: options.keyspace, concurrency });
    this.erasure = new CassandraErasure(client, {
      keyspace: options.keyspace,
      dayTables: this.tables.slice(1),
      rowOf: this.rowOf,
      concurrency,
      storedState: this.storedState,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  private readonly rowOf = (table: TableDefinition, accepted: AcceptedEvent) =>
    cassandraRow(table, accepted, this.options.signupDay.buckets);

  async delete(deletions: readonly AcceptedDeletion[]): Promise<void> {
    await this.erasure.erase(deletions);
  }

  /**
   * Writes the creates newer than what is stored (the rest are dropped). The day-table rows go first, then
   * the created_users rows: the stored row is what the next attempt compares with, so a batch that failed
   * half-way is written again whole when retried.
   */
  async write({ users }: SinkBatch): Promise<void> {
    if (users.length === 0) return;
    const stored = await this.storedState.read(users);
    const clock = this.options.now ?? Date.now;
    const { dayRows, users: userRows } = this.statementsOf(createsToWrite(users, stored, microsOf(clock())));
    // Statements that hit a Keyspaces capacity error are sent again after a backoff; any other failure (or
    // capacity errors past the last round) fails the batch, which Lambda then retries as a whole. The write
    // path checks the write times against the same clock.
    const options = { concurrencyLevel: this.options.concurrency ?? 64, now: clock };
    if (dayRows.length > 0) await executeIdempotentWrites(this.client, dayRows, options);
    if (userRows.length > 0) await executeIdempotentWrites(this.client, userRows, options);
  }

  /**
   * The INSERTs of every table, and where a newer event moved the user to another day-table row (signup day,
   * country or bucket changed), the DELETE of the old row at the same write time.
   */
  private statementsOf(writes: readonly CreateToWrite<Row>[]): CreateStatements {
    const statements: CreateStatements = { dayRows: [], users: [] };
    for (const { accepted, writeTime, previous } of writes) {
      this.userWrite(accepted, longOf(writeTime)).forEach((params, i) => {
        const target = i === 0 ? statements.users : statements.dayRows;
        target.push({ query: this.statements[i] as string, params });
      });
      if (previous === undefined) continue;
      const oldRows = this.erasure.dayRowDeletes(previous, writeTime);
      this.tables.slice(1).forEach((table, i) => {
        const old = oldRows[i] as Statement;
        if (!sameKey(old.params.slice(1), primaryKeyOf(this.rowOf, table, accepted))) {
          statements.dayRows.push(old);
        }
      });
    }
    return statements;
  }
}
