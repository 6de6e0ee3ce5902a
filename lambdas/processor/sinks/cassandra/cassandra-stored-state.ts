/**
 * Newest-wins in Cassandra / Keyspaces, decided by the processor. Keyspaces refuses a `USING TIMESTAMP` older
 * than 2 days (keyspaces-write-time.ts), and events are often older than that (a pulled user's occurred_at is
 * its signup instant; a replayed dead letter or batch), so the write time can no longer be the event's
 * occurred_at. Instead, before writing, the processor reads what is stored for each user of the batch (its
 * created_users row and its tombstone, with their order keys and write times), keeps only the events newer
 * than that under the one order (event-order.ts), and writes them at windowSafeWriteTime: now, or 1 µs after
 * the stored write time, so the newer event always wins the cell.
 *
 * Read-then-write is safe because one user's events are processed serially: the record key is the user id, so
 * they share a Kafka partition, and the event source mapping runs one invocation per partition at a time
 * (within a batch, the sink writes creates before deletions and waits for each). A retried batch reads again.
 */
import { type Client, types } from 'cassandra-driver';
import { windowSafeWriteTime } from '../../../shared/clients/keyspaces-write-time.js';
import { compareEvents, type OrderedEvent, occurredAtMicros } from '../../../shared/contract/index.js';
import {
  CREATED_USERS_TABLE,
  ORDER_MICROS_COLUMN,
  USER_TOMBSTONES_TABLE,
} from '../../../shared/schema/cassandra/index.js';
import type { AcceptedDeletion, AcceptedEvent } from '../../process-batch.js';
import { latestPerUser } from '../../process-batch.js';

/** A stored event's order key (occurred_at µs, event_id) and the write time of its cells. */
export interface StoredVersion {
  readonly occurredAtMicros: bigint;
  readonly eventId: string;
  readonly writeTime: bigint;
}

/** A user's created_users row as read (`Row`: the row itself, to find its day-table row), with its version. */
export interface StoredUser<Row> {
  readonly version: StoredVersion;
  readonly row: Row;
}

/** What is stored for a batch's users, by lower-case id. */
export interface StoredState<Row> {
  readonly users: ReadonlyMap<string, StoredUser<Row>>;
  readonly tombstones: ReadonlyMap<string, StoredVersion>;
}

/** The exact µs of an event's occurred_at, as bigint (event-order.ts rounds to the microsecond as PostgreSQL). */
export function eventMicros(occurredAt: string): bigint {
  const ms = Date.parse(occurredAt);
  return BigInt(ms) * 1_000n + BigInt(occurredAtMicros(occurredAt) - ms * 1_000);
}

/** Compares a stored version with an event under the one order (occurred_at µs, then event_id). */
export function compareStored(stored: StoredVersion, event: OrderedEvent): number {
  const micros = eventMicros(event.occurred_at);
  if (stored.occurredAtMicros !== micros) return stored.occurredAtMicros < micros ? -1 : 1;
  return compareEvents(
    { occurred_at: event.occurred_at, event_id: stored.eventId },
    { occurred_at: event.occurred_at, event_id: event.event_id },
  );
}

export function longOf(micros: bigint): types.Long {
  return types.Long.fromString(micros.toString());
}

function idOf({ event }: AcceptedEvent | AcceptedDeletion): string {
  return event.payload.id.toLowerCase();
}

/** A create to write: at `writeTime`, replacing `previous` (the stored row, whose day-table row may move). */
export interface CreateToWrite<Row> {
  readonly accepted: AcceptedEvent;
  readonly writeTime: bigint;
  readonly previous?: Row;
}

/**
 * The creates to write: per user the newest of the batch, if it is newer than the stored create and than the
 * user's tombstone (a deletion at least as new keeps the user erased). Equal means already written: a
 * redelivery or a retried batch writes nothing again.
 */
export function createsToWrite<Row>(
  users: readonly AcceptedEvent[],
  stored: StoredState<Row>,
  nowMicros: bigint,
): CreateToWrite<Row>[] {
  const writes: CreateToWrite<Row>[] = [];
  for (const accepted of latestPerUser(users)) {
    const id = idOf(accepted);
    const user = stored.users.get(id);
    const tombstone = stored.tombstones.get(id);
    if (user !== undefined && compareStored(user.version, accepted.event) >= 0) continue;
    if (tombstone !== undefined && compareStored(tombstone, accepted.event) >= 0) continue;
    const writeTime = windowSafeWriteTime(nowMicros, [user?.version.writeTime, tombstone?.writeTime]);
    writes.push(user === undefined ? { accepted, writeTime } : { accepted, writeTime, previous: user.row });
  }
  return writes;
}

/** A deletion to record: at `writeTime`, erasing `erases` (the stored row) when that create is older. */
export interface DeletionToWrite<Row> {
  readonly deletion: AcceptedDeletion;
  readonly writeTime: bigint;
  readonly erases?: Row;
}

/**
 * The deletions to record: per user the newest of the batch, if newer than the user's tombstone. Each erases
 * the stored create if that is older; a create newer than the deletion stays (the tombstone is still written,
 * so that anything older than the deletion is refused later).
 */
export function deletionsToWrite<Row>(
  deletions: readonly AcceptedDeletion[],
  stored: StoredState<Row>,
  nowMicros: bigint,
): DeletionToWrite<Row>[] {
  const writes: DeletionToWrite<Row>[] = [];
  for (const deletion of latestPerUser(deletions)) {
    const id = idOf(deletion);
    const tombstone = stored.tombstones.get(id);
    if (tombstone !== undefined && compareStored(tombstone, deletion.event) >= 0) continue;
    const user = stored.users.get(id);
    const writeTime = windowSafeWriteTime(nowMicros, [user?.version.writeTime, tombstone?.writeTime]);
    const erases = user !== undefined && compareStored(user.version, deletion.event) < 0;
    writes.push(erases ? { deletion, writeTime, erases: user.row } : { deletion, writeTime });
  }
  return writes;
}

export type Row = { get(name: string): unknown };

/** Runs `work` over the items with at most `concurrency` in flight; results in item order. */
async function boundedMap<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  return results;
}

/**
 * The version of a stored row. A row written before the order-key column existed has it null; its write time
 * was then its occurred_at in µs (the former rule), which stands in.
 */
function versionOf(row: Row): StoredVersion {
  const writeTime = BigInt(String(row.get('written')));
  const micros = row.get(ORDER_MICROS_COLUMN.name);
  return {
    occurredAtMicros: micros === null || micros === undefined ? writeTime : BigInt(String(micros)),
    eventId: String(row.get('event_id')).toLowerCase(),
    writeTime,
  };
}

/**
 * The tables the sink reads, one single-partition read each per user of a batch, before writing (the cost and
 * capacity models count these reads).
 */
export const STORED_STATE_TABLES: readonly string[] = [CREATED_USERS_TABLE.name, USER_TOMBSTONES_TABLE.name];

/** What StoredStateReader reads with. */
export interface StoredStateReaderOptions {
  readonly keyspace: string;
  /** Single-partition reads in flight at once (each table). */
  readonly concurrency: number;
}

/**
 * Reads the stored state of a batch's users: one single-partition read of created_users and one of
 * user_tombstones per distinct id (Keyspaces charges a read per row either way; single-partition reads spread
 * over the fleet instead of one coordinator gathering an IN list), at most `concurrency` of each in flight.
 */
export class StoredStateReader {
  private readonly readUser: string;
  private readonly readTombstone: string;

  constructor(
    private readonly client: Client,
    private readonly options: StoredStateReaderOptions,
  ) {
    const { keyspace } = options;
    const columns = CREATED_USERS_TABLE.columns.map((column) => column.name).join(', ');
    this.readUser = `SELECT ${columns}, WRITETIME(event_id) AS written FROM ${keyspace}.${CREATED_USERS_TABLE.name} WHERE id = ?`;
    this.readTombstone = `SELECT event_id, ${ORDER_MICROS_COLUMN.name}, WRITETIME(event_id) AS written FROM ${keyspace}.${USER_TOMBSTONES_TABLE.name} WHERE id = ?`;
  }

  async read(events: readonly (AcceptedEvent | AcceptedDeletion)[]): Promise<StoredState<Row>> {
    const ids = [...new Set(events.map(idOf))];
    const [users, tombstones] = await Promise.all([
      this.readEach(this.readUser, ids),
      this.tombstonesOf(ids),
    ]);
    const userMap = new Map<string, StoredUser<Row>>();
    ids.forEach((id, i) => {
      const user = users[i];
      if (user) userMap.set(id, { version: versionOf(user), row: user });
    });
    return { users: userMap, tombstones };
  }

  /** The tombstones of the given lower-case ids (the day-table backfill reads these alone). */
  async tombstonesOf(ids: readonly string[]): Promise<Map<string, StoredVersion>> {
    const rows = await this.readEach(this.readTombstone, ids);
    const tombstones = new Map<string, StoredVersion>();
    ids.forEach((id, i) => {
      const row = rows[i];
      if (row) tombstones.set(id, versionOf(row));
    });
    return tombstones;
  }

  private readEach(query: string, ids: readonly string[]): Promise<(Row | undefined)[]> {
    return boundedMap(ids, this.options.concurrency, async (id) => {
      const result = await this.client.execute(query, [id], { prepare: true });
      return result.rows[0] as Row | undefined;
    });
  }
}
