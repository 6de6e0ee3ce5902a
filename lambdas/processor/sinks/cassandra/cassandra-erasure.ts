/**
 * The Cassandra / Keyspaces side of erasure. Which deletion wins is decided by the processor under the one
 * order of a user's events (event-order.ts), from what it reads before writing (cassandra-stored-state.ts);
 * every statement is written at a window-safe write time (now, or 1 µs after what is stored), never at the
 * event's occurred_at, which Keyspaces would refuse once older than 2 days.
 *
 * - the users_by_signup_day row of a user lives in a partition derived from the user's data; a deletion takes
 *   the user's stored created_users row and derives the partition with the insert's own key columns
 *   (cassandraRow, users-by-signup-day-key.ts);
 * - an older create arriving after the deletion (a replayed batch, a late feed with another signup instant)
 *   is refused by the sink, which reads the user's row in `user_tombstones` (no personal data) before writing;
 * - the statements go in three steps: the day-table rows, then the created_users row (the one the day rows
 *   are found by), then the tombstone, so a batch retried after a partial failure still finds what it must
 *   delete, and finds no tombstone until the data is gone.
 */
import type { Client } from 'cassandra-driver';
import { executeIdempotentWrites } from '../../../shared/clients/keyspaces-retry.js';
import { microsOf } from '../../../shared/clients/keyspaces-write-time.js';
import { USER_FIELDS, type UserField } from '../../../shared/contract/fields.js';
import {
  CREATED_USERS_TABLE,
  ORDER_MICROS_COLUMN,
  type TableDefinition,
  USER_TOMBSTONES_TABLE,
} from '../../../shared/schema/cassandra/index.js';
import type { AcceptedDeletion, AcceptedEvent } from '../../process-batch.js';
import {
  type DeletionToWrite,
  deletionsToWrite,
  eventMicros,
  longOf,
  type Row,
  type StoredState,
  type StoredStateReader,
} from './cassandra-stored-state.js';

/** The column values the insert writes for a user (cassandra-sink.ts cassandraRow): the key columns included. */
export type RowOf = (table: TableDefinition, accepted: AcceptedEvent) => Record<string, unknown>;

const FIELD_BY_NAME = new Map((USER_FIELDS as readonly UserField[]).map((field) => [field.name, field]));

/** A created_users row back in the shape the insert built it from, so the insert's own key columns apply. */
export function storedUserAsEvent(row: Row): AcceptedEvent {
  const payload: Record<string, string> = {};
  for (const column of CREATED_USERS_TABLE.columns) {
    const field = FIELD_BY_NAME.get(column.name);
    const value = row.get(column.name);
    if (field === undefined || value === null || value === undefined) continue;
    payload[field.name] = value instanceof Date ? value.toISOString() : String(value);
  }
  const instant = (name: string) => (row.get(name) as Date | null)?.toISOString() ?? '';
  return {
    event: {
      event_id: String(row.get('event_id')),
      event_type: 'user.created',
      schema_version: Number(row.get('schema_version')) as 1 | 2,
      source: String(row.get('source')),
      occurred_at: instant('occurred_at'),
      ingested_at: instant('ingested_at'),
      payload: payload as unknown as AcceptedEvent['event']['payload'],
    },
    source: { topic: '', partition: 0, offset: 0, timestamp: 0 },
  };
}

/** `DELETE … USING TIMESTAMP ? WHERE <every primary key column> = ?`, from the table definition. */
export function deleteStatement(keyspace: string, table: TableDefinition): string {
  const key = [...table.partitionKey, ...table.clusteringKey.map((column) => column.name)];
  return `DELETE FROM ${keyspace}.${table.name} USING TIMESTAMP ? WHERE ${key.map((name) => `${name} = ?`).join(' AND ')}`;
}

/** The primary key values of the user's row in `table`, computed from the stored user as the insert does. */
export function primaryKeyOf(rowOf: RowOf, table: TableDefinition, stored: AcceptedEvent): unknown[] {
  const row = rowOf(table, stored);
  return [...table.partitionKey, ...table.clusteringKey.map((column) => column.name)].map(
    (name) => row[name],
  );
}

export interface Statement {
  readonly query: string;
  readonly params: unknown[];
}

/**
 * The statements of one batch's deletions, in the order they are sent: the day-table rows, then the
 * created_users rows they are found by, then the tombstones.
 */
export interface ErasurePlan {
  readonly dayDeletes: Statement[];
  readonly userDeletes: Statement[];
  readonly tombstones: Statement[];
}

/** What an erasure writes with. */
export interface CassandraErasureOptions {
  readonly keyspace: string;
  /** The layout's day tables (users_by_signup_day_bucketed, and the legacy table while a stage upgrades). */
  readonly dayTables: readonly TableDefinition[];
  /** The insert's own column values, so the deletion finds exactly the row the insert wrote. */
  readonly rowOf: RowOf;
  readonly concurrency: number;
  /** Reads the users' stored rows and tombstones (the same reader as the sink's). */
  readonly storedState: StoredStateReader;
  /** Clock of the write times, ms. @default Date.now */
  readonly now?: () => number;
}

export class CassandraErasure {
  private readonly deleteCreated: string;
  private readonly deleteByDay: readonly { readonly table: TableDefinition; readonly query: string }[];
  private readonly writeTombstone: string;

  constructor(
    private readonly client: Client,
    private readonly options: CassandraErasureOptions,
  ) {
    const { keyspace } = options;
    this.deleteCreated = deleteStatement(keyspace, CREATED_USERS_TABLE);
    this.deleteByDay = options.dayTables.map((table) => ({ table, query: deleteStatement(keyspace, table) }));
    const columns = ['id', 'event_id', 'occurred_at', 'reason', ORDER_MICROS_COLUMN.name];
    this.writeTombstone = `INSERT INTO ${keyspace}.${USER_TOMBSTONES_TABLE.name} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) USING TIMESTAMP ?`;
  }

  /** The day-table deletes of a stored user's rows (the day row's key derived as the insert derives it). */
  dayRowDeletes(row: Row, writeTime: bigint): Statement[] {
    const user = storedUserAsEvent(row);
    return this.deleteByDay.map(({ table, query }) => ({
      query,
      params: [longOf(writeTime), ...primaryKeyOf(this.options.rowOf, table, user)],
    }));
  }

  /** What the deletions must write, given what is stored for their users. */
  plan(deletions: readonly AcceptedDeletion[], stored: StoredState<Row>): ErasurePlan {
    const now = microsOf((this.options.now ?? Date.now)());
    const plan: ErasurePlan = { dayDeletes: [], userDeletes: [], tombstones: [] };
    for (const { deletion, writeTime, erases } of deletionsToWrite(deletions, stored, now)) {
      const { event } = deletion;
      const id = event.payload.id.toLowerCase();
      if (erases !== undefined) {
        plan.dayDeletes.push(...this.dayRowDeletes(erases, writeTime));
        plan.userDeletes.push({ query: this.deleteCreated, params: [longOf(writeTime), id] });
      }
      plan.tombstones.push(this.tombstoneOf(deletion, writeTime));
    }
    return plan;
  }

  private tombstoneOf({ event }: DeletionToWrite<Row>['deletion'], writeTime: bigint): Statement {
    const id = event.payload.id.toLowerCase();
    const order = longOf(eventMicros(event.occurred_at));
    const params = [id, event.event_id, new Date(event.occurred_at), event.payload.reason, order];
    return { query: this.writeTombstone, params: [...params, longOf(writeTime)] };
  }

  /**
   * Erases the deletions' users in three steps (ErasurePlan), each sent only once the one before succeeded: a
   * retried batch reads the state again and still finds what is left to delete.
   */
  async erase(deletions: readonly AcceptedDeletion[]): Promise<void> {
    if (deletions.length === 0) return;
    const plan = this.plan(deletions, await this.options.storedState.read(deletions));
    const options = { concurrencyLevel: this.options.concurrency, now: this.options.now ?? Date.now };
    for (const step of [plan.dayDeletes, plan.userDeletes, plan.tombstones]) {
      if (step.length > 0) await executeIdempotentWrites(this.client, step, options);
    }
  }
}
