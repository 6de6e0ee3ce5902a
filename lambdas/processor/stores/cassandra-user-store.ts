import { type Client, concurrent, types } from 'cassandra-driver';
import {
  CREATED_USERS_TABLE,
  type TableDefinition,
  USERS_BY_SIGNUP_DAY_TABLE,
  usersBySignupDayKey,
} from '../../shared/schema/cassandra/index.js';
import type { AcceptedEvent, WideColumnUserStore } from '../process-batch.js';

type Row = Record<string, unknown>;

/** Column values of created_users: the tutorial's 12 fields plus lineage. */
export function createdUsersRow({ event }: AcceptedEvent): Row {
  const p = event.payload;
  return {
    ...p,
    dob: new Date(p.dob),
    registered_date: new Date(p.registered_date),
    event_id: event.event_id,
    schema_version: event.schema_version,
    source: event.source,
    occurred_at: new Date(event.occurred_at),
    ingested_at: new Date(event.ingested_at),
  };
}

/** Column values of users_by_signup_day (key columns derive from the payload only). */
export function usersBySignupDayRow({ event }: AcceptedEvent): Row {
  const p = event.payload;
  const key = usersBySignupDayKey(p);
  return {
    ...key,
    signup_day: types.LocalDate.fromString(key.signup_day),
    first_name: p.first_name,
    last_name: p.last_name,
    gender: p.gender,
    email: p.email,
    username: p.username,
    event_id: event.event_id,
    ingested_at: new Date(event.ingested_at),
  };
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
  return types.Long.fromNumber(Date.parse(event.occurred_at)).multiply(1000);
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
    table: TableDefinition;
    row: (a: AcceptedEvent) => Row;
  }>;

  constructor(
    private readonly client: Client,
    private readonly options: CassandraUserStoreOptions,
  ) {
    this.tables = [
      { table: CREATED_USERS_TABLE, row: createdUsersRow },
      { table: USERS_BY_SIGNUP_DAY_TABLE, row: usersBySignupDayRow },
    ].map((t) => ({ ...t, cql: insertStatement(options.keyspace, t.table) }));
  }

  async write(users: readonly AcceptedEvent[]): Promise<void> {
    const queries = users.flatMap((accepted) =>
      this.tables.map(({ cql, table, row }) => {
        const values = row(accepted);
        return { query: cql, params: [...table.columns.map((c) => values[c.name]), writeTimeOf(accepted)] };
      }),
    );
    // raiseOnFirstError: any failure fails the batch, which Lambda then retries as a whole.
    await concurrent.executeConcurrent(this.client, queries, {
      concurrencyLevel: this.options.concurrency ?? 64,
      raiseOnFirstError: true,
      collectResults: false,
    });
  }
}
