import { type Client, types } from 'cassandra-driver';
import { executeIdempotentWrites } from '../../shared/clients/keyspaces-retry.js';
import {
  CREATED_USERS_TABLE,
  type TableDefinition,
  USERS_BY_SIGNUP_DAY_TABLE,
  type UsersBySignupDayKey,
  usersBySignupDayKey,
} from '../../shared/schema/cassandra/index.js';
import type { AcceptedEvent, WideColumnUserStore } from '../process-batch.js';

type Row = Record<string, unknown>;
type Event = AcceptedEvent['event'];

/** Both Cassandra rows of one user and the write time of their statements. */
export interface CassandraUserWrite {
  readonly createdUsers: Row;
  readonly usersBySignupDay: Row;
  readonly writeTime: types.Long;
}

// Rows are object literals with every key spelled out: adding keys to a `{ ...spread }` copy gives each row a
// hidden class of its own, which cost several µs per row.

function createdUsersRowOf(event: Event, registeredDate: Date, occurredAt: Date, ingestedAt: Date): Row {
  const p = event.payload;
  return {
    id: p.id,
    first_name: p.first_name,
    last_name: p.last_name,
    gender: p.gender,
    address: p.address,
    post_code: p.post_code,
    email: p.email,
    username: p.username,
    dob: new Date(p.dob),
    registered_date: registeredDate,
    phone: p.phone,
    picture: p.picture,
    event_id: event.event_id,
    schema_version: event.schema_version,
    source: event.source,
    occurred_at: occurredAt,
    ingested_at: ingestedAt,
  };
}

function usersBySignupDayRowOf(event: Event, key: UsersBySignupDayKey, ingestedAt: Date): Row {
  const p = event.payload;
  return {
    signup_day: localDateOf(key.signup_day),
    country: key.country,
    registered_date: key.registered_date,
    id: key.id,
    first_name: p.first_name,
    last_name: p.last_name,
    gender: p.gender,
    email: p.email,
    username: p.username,
    event_id: event.event_id,
    ingested_at: ingestedAt,
  };
}

const PLAIN_DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
/** The driver's constructor also takes days since the epoch (documented; missing from its typings). */
const LocalDateOfEpochDays = types.LocalDate as unknown as new (daysSinceEpoch: number) => types.LocalDate;

/**
 * LocalDate.fromString(day), cheaper: a 'YYYY-MM-DD' that Date.parse reads (as UTC midnight) becomes days
 * since the epoch, the same date; anything else goes to fromString itself.
 */
function localDateOf(day: string): types.LocalDate {
  const ms = PLAIN_DAY.test(day) ? Date.parse(day) : Number.NaN;
  return Number.isNaN(ms) ? types.LocalDate.fromString(day) : new LocalDateOfEpochDays(ms / DAY_MS);
}

/** Largest |epoch ms| whose value in µs is still an exact double. */
const MAX_EXACT_MICROS_MS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

function writeTimeAt(occurredAtMs: number): types.Long {
  // Where the product is exact, one Long replaces a Long and a 64-bit multiply; the value is the same.
  return Math.abs(occurredAtMs) <= MAX_EXACT_MICROS_MS
    ? types.Long.fromNumber(occurredAtMs * 1000)
    : types.Long.fromNumber(occurredAtMs).multiply(1000);
}

/** Column values of created_users: the tutorial's 12 fields plus lineage. */
export function createdUsersRow({ event }: AcceptedEvent): Row {
  return createdUsersRowOf(
    event,
    new Date(event.payload.registered_date),
    new Date(event.occurred_at),
    new Date(event.ingested_at),
  );
}

/** Column values of users_by_signup_day (key columns derive from the payload only). */
export function usersBySignupDayRow({ event }: AcceptedEvent): Row {
  return usersBySignupDayRowOf(event, usersBySignupDayKey(event.payload), new Date(event.ingested_at));
}

/** INSERT for every column of the definition, so the statement follows the one schema definition. */
export function insertStatement(keyspace: string, table: TableDefinition): string {
  const names = table.columns.map((c) => c.name);
  return `INSERT INTO ${keyspace}.${table.name} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')}) USING TIMESTAMP ?`;
}

/**
 * Write time = the event's occurred_at in microseconds. Cassandra keeps the cell with the highest write time,
 * so an older event arriving late never overwrites a newer one and a replay rewrites identical cells: the
 * same rule as the PostgreSQL upsert. (Keyspaces needs client-side timestamps enabled on the table.)
 */
export function writeTimeOf({ event }: AcceptedEvent): types.Long {
  return writeTimeAt(Date.parse(event.occurred_at));
}

/**
 * What the store writes for one user: the same values as createdUsersRow, usersBySignupDayRow and
 * writeTimeOf, with each date-time parsed once. The rows share Date instances; nothing mutates them.
 */
export function cassandraUserWrite({ event }: AcceptedEvent): CassandraUserWrite {
  const key = usersBySignupDayKey(event.payload);
  const occurredAt = new Date(event.occurred_at);
  const ingestedAt = new Date(event.ingested_at);
  return {
    createdUsers: createdUsersRowOf(event, key.registered_date, occurredAt, ingestedAt),
    usersBySignupDay: usersBySignupDayRowOf(event, key, ingestedAt),
    writeTime: writeTimeAt(occurredAt.getTime()),
  };
}

export interface CassandraUserStoreOptions {
  readonly keyspace: string;
  /** Statements in flight at once. @default 64 */
  readonly concurrency?: number;
}

/** Cassandra / Keyspaces side of the processor: idempotent upserts with prepared statements. */
export class CassandraUserStore implements WideColumnUserStore {
  private readonly tables: ReadonlyArray<{
    cql: string;
    columns: readonly string[];
    row: (write: CassandraUserWrite) => Row;
  }>;

  constructor(
    private readonly client: Client,
    private readonly options: CassandraUserStoreOptions,
  ) {
    this.tables = [
      { table: CREATED_USERS_TABLE, row: (w: CassandraUserWrite) => w.createdUsers },
      { table: USERS_BY_SIGNUP_DAY_TABLE, row: (w: CassandraUserWrite) => w.usersBySignupDay },
    ].map(({ table, row }) => ({
      cql: insertStatement(options.keyspace, table),
      columns: table.columns.map((c) => c.name),
      row,
    }));
  }

  async write(users: readonly AcceptedEvent[]): Promise<void> {
    const queries: { query: string; params: unknown[] }[] = [];
    for (const accepted of users) {
      const write = cassandraUserWrite(accepted);
      for (const { cql, columns, row } of this.tables) {
        const values = row(write);
        const params = columns.map((name) => values[name]);
        params.push(write.writeTime);
        queries.push({ query: cql, params });
      }
    }
    // Statements that hit a Keyspaces capacity error are sent again after a backoff; any other failure (or
    // capacity errors past the last round) fails the batch, which Lambda then retries as a whole.
    await executeIdempotentWrites(this.client, queries, { concurrencyLevel: this.options.concurrency ?? 64 });
  }
}
