/**
 * The Cassandra / Keyspaces side of erasure, with the order every store applies (event-order.ts: occurred_at to
 * the microsecond, then event_id). Cassandra keeps, per cell, the highest write time, and a deletion wins a tie
 * with a cell of the same write time; the pipeline writes every event at its occurred_at in µs, so Cassandra's
 * own rule already gives newest-wins by occurred_at. What it cannot see is the rest:
 *
 * - the users_by_signup_day row of a user lives in a partition derived from the user's data; a deletion reads
 *   the user's created_users row and derives the partition with the insert's own key columns (cassandraRow,
 *   users-by-signup-day-key.ts), then deletes `USING TIMESTAMP` the deletion's write time in both tables;
 * - an older create arriving after the deletion may belong to another partition (a replayed batch, a late
 *   feed with another registered_date), where no deletion shadows it: so every deletion also leaves a row in
 *   `user_tombstones` (no personal data), and the sink reads the tombstones of a batch's users before writing
 *   their creates, dropping every create that is not newer than the user's deletion (tombstoneAdmission);
 * - ties at the same microsecond are decided by event_id, not by "deletion wins": a deletion that loses the tie
 *   to the stored row is not applied to the data, and a create that wins it against a tombstone is written
 *   1 µs after the deletion, which would shadow it otherwise.
 * Not covered (docs/erasure-and-retention.md): a users_by_signup_day row left in an older partition by an
 * earlier create whose signup day or country a later create changed (only the current partition is known),
 * and three or more events of one user at the same microsecond (the +1 µs write time then decides).
 */
import { type Client, types } from 'cassandra-driver';
import { executeIdempotentWrites } from '../../shared/clients/keyspaces-retry.js';
import { USER_FIELDS, type UserField } from '../../shared/contract/fields.js';
import { compareEvents, type OrderedEvent, occurredAtMicros } from '../../shared/contract/index.js';
import {
  CREATED_USERS_TABLE,
  type TableDefinition,
  USER_TOMBSTONES_TABLE,
} from '../../shared/schema/cassandra/index.js';
import type { AcceptedDeletion, AcceptedEvent } from '../process-batch.js';

/** The column values the insert writes for a user (cassandra-user-store.ts cassandraRow): the key columns included. */
export type RowOf = (table: TableDefinition, accepted: AcceptedEvent) => Record<string, unknown>;

/** Keyspaces' and Cassandra's comfortable size of an IN list (Keyspaces caps IN at 100 values). */
const IN_CHUNK = 100;

/** A stored version of a user's state: the write time (µs, = the event's occurred_at) and the event's id. */
export interface StoredVersion {
  readonly writeTime: bigint;
  readonly eventId: string;
}

/** A create the tombstones let through, with the write time to use (its own, or 1 µs after a tied deletion). */
export interface AdmittedCreate {
  readonly accepted: AcceptedEvent;
  readonly writeTime?: types.Long;
}

/** The write time of an event, exact, as bigint µs: Cassandra's `USING TIMESTAMP` and `WRITETIME()` unit. */
export function writeTimeMicros(occurredAt: string): bigint {
  const ms = Date.parse(occurredAt);
  return BigInt(ms) * 1_000n + BigInt(occurredAtMicros(occurredAt) - ms * 1_000);
}

/** Compares a stored version with an event under the one order (occurred_at µs, then event_id). */
export function compareStored(stored: StoredVersion, event: OrderedEvent): number {
  const eventTime = writeTimeMicros(event.occurred_at);
  if (stored.writeTime !== eventTime) return stored.writeTime < eventTime ? -1 : 1;
  return compareEvents(
    { occurred_at: event.occurred_at, event_id: stored.eventId },
    { occurred_at: event.occurred_at, event_id: event.event_id },
  );
}

function longOf(micros: bigint): types.Long {
  return types.Long.fromString(micros.toString());
}

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += IN_CHUNK) result.push(items.slice(i, i + IN_CHUNK));
  return result;
}

type Row = { get(name: string): unknown };

/** Reads rows of a table keyed by `id` for the given ids (IN lists of IN_CHUNK, concurrently). */
async function readById(client: Client, query: string, ids: readonly string[]): Promise<Row[]> {
  const results = await Promise.all(
    chunks([...new Set(ids)]).map((chunk) => client.execute(query, [chunk], { prepare: true })),
  );
  return results.flatMap((result) => result.rows as Row[]);
}

function versionOf(row: Row): StoredVersion {
  return {
    writeTime: BigInt(String(row.get('written'))),
    eventId: String(row.get('event_id')).toLowerCase(),
  };
}

/** The user tombstones of the given ids, by lower-case id. */
export async function readTombstones(
  client: Client,
  keyspace: string,
  ids: readonly string[],
): Promise<Map<string, StoredVersion>> {
  const query = `SELECT id, event_id, WRITETIME(event_id) AS written FROM ${keyspace}.${USER_TOMBSTONES_TABLE.name} WHERE id IN ?`;
  const rows = await readById(client, query, ids);
  return new Map(rows.map((row) => [String(row.get('id')).toLowerCase(), versionOf(row)]));
}

/**
 * Which of a batch's creates may be written: those newer than their user's tombstone (or without one), each
 * with its write time. A tombstone-free batch (the common case) costs one IN read per 100 users.
 */
export async function tombstoneAdmission(
  client: Client,
  keyspace: string,
  users: readonly AcceptedEvent[],
): Promise<AdmittedCreate[]> {
  const tombstones = await readTombstones(
    client,
    keyspace,
    users.map(({ event }) => event.payload.id.toLowerCase()),
  );
  if (tombstones.size === 0) return users.map((accepted) => ({ accepted }));
  const admitted: AdmittedCreate[] = [];
  for (const accepted of users) {
    const tombstone = tombstones.get(accepted.event.payload.id.toLowerCase());
    if (tombstone === undefined) {
      admitted.push({ accepted });
      continue;
    }
    if (compareStored(tombstone, accepted.event) >= 0) continue; // the deletion is newer: the user stays erased
    const own = writeTimeMicros(accepted.event.occurred_at);
    // Won the tie by event_id: at the deletion's own write time the deletion would shadow the create.
    admitted.push(tombstone.writeTime === own ? { accepted, writeTime: longOf(own + 1n) } : { accepted });
  }
  return admitted;
}

const FIELD_BY_NAME = new Map((USER_FIELDS as readonly UserField[]).map((field) => [field.name, field]));

/** A created_users row back in the shape the insert built it from, so the insert's own key columns apply. */
function storedUserAsEvent(row: Row): AcceptedEvent {
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
function primaryKeyOf(rowOf: RowOf, table: TableDefinition, stored: AcceptedEvent): unknown[] {
  const row = rowOf(table, stored);
  return [...table.partitionKey, ...table.clusteringKey.map((column) => column.name)].map(
    (name) => row[name],
  );
}

interface Statement {
  readonly query: string;
  readonly params: unknown[];
}

/** The statements of one batch's deletions: data deletes first, then tombstones. */
export interface ErasurePlan {
  readonly dataDeletes: Statement[];
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
}

export class CassandraErasure {
  private readonly readUsers: string;
  private readonly deleteCreated: string;
  private readonly deleteByDay: readonly { readonly table: TableDefinition; readonly query: string }[];
  private readonly writeTombstone: string;

  constructor(
    private readonly client: Client,
    private readonly options: CassandraErasureOptions,
  ) {
    const { keyspace } = options;
    const columns = CREATED_USERS_TABLE.columns.map((column) => column.name);
    this.readUsers = `SELECT ${columns.join(', ')}, WRITETIME(event_id) AS written FROM ${keyspace}.${CREATED_USERS_TABLE.name} WHERE id IN ?`;
    this.deleteCreated = deleteStatement(keyspace, CREATED_USERS_TABLE);
    this.deleteByDay = options.dayTables.map((table) => ({ table, query: deleteStatement(keyspace, table) }));
    this.writeTombstone = `INSERT INTO ${keyspace}.${USER_TOMBSTONES_TABLE.name} (id, event_id, occurred_at, reason) VALUES (?, ?, ?, ?) USING TIMESTAMP ?`;
  }

  /** What the deletions must write, from the users' stored rows and tombstones (read here). */
  async plan(deletions: readonly AcceptedDeletion[]): Promise<ErasurePlan> {
    const ids = deletions.map(({ event }) => event.payload.id.toLowerCase());
    const [tombstones, rows] = await Promise.all([
      readTombstones(this.client, this.options.keyspace, ids),
      readById(this.client, this.readUsers, ids),
    ]);
    const stored = new Map(rows.map((row) => [String(row.get('id')).toLowerCase(), row]));
    const plan: ErasurePlan = { dataDeletes: [], tombstones: [] };
    for (const { event } of deletions) {
      const id = event.payload.id.toLowerCase();
      const tombstone = tombstones.get(id);
      // A deletion at least as new is recorded, and its data deletes ran before its tombstone was written.
      if (tombstone !== undefined && compareStored(tombstone, event) >= 0) continue;
      const writeTime = longOf(writeTimeMicros(event.occurred_at));
      const row = stored.get(id);
      if (row === undefined || compareStored(versionOf(row), event) < 0) {
        // Always shadow created_users: an older create still in flight must not land after this.
        plan.dataDeletes.push({ query: this.deleteCreated, params: [writeTime, id] });
        if (row !== undefined) {
          const user = storedUserAsEvent(row);
          for (const { table, query } of this.deleteByDay) {
            plan.dataDeletes.push({
              query,
              params: [writeTime, ...primaryKeyOf(this.options.rowOf, table, user)],
            });
          }
        }
      }
      plan.tombstones.push({
        query: this.writeTombstone,
        params: [id, event.event_id, new Date(event.occurred_at), event.payload.reason, writeTime],
      });
    }
    return plan;
  }

  /**
   * Erases the deletions' users: the data deletes, then (only once they all succeeded) the tombstones, so that
   * a retried batch finds no tombstone until the data is gone. Idempotent: every statement carries the
   * deletion's write time.
   */
  async erase(deletions: readonly AcceptedDeletion[]): Promise<void> {
    if (deletions.length === 0) return;
    const { dataDeletes, tombstones } = await this.plan(deletions);
    const options = { concurrencyLevel: this.options.concurrency };
    if (dataDeletes.length > 0) await executeIdempotentWrites(this.client, dataDeletes, options);
    if (tombstones.length > 0) await executeIdempotentWrites(this.client, tombstones, options);
  }
}
