/**
 * Step 2 of a stage's day-table upgrade (docs/scaling.md): copies every row of the legacy
 * `users_by_signup_day` (partition (signup_day, country)) into `users_by_signup_day_bucketed` (partition
 * (signup_day, country, bucket)), while the processor writes both tables (`signupDayTable.legacyTable:
 * dual-write`).
 *
 * - Bounded: the token ring is cut into `slices` ranges, each read by its partition key's token, `pageSize` rows
 *   a page; writes stay under `rowsPerSecond` (the target table's capacity is shared with the live writes).
 * - Resumable: a checkpoint (the next slice, rows copied) is saved after every slice; a run resumes there. A
 *   slice cut short is read again; rewriting its rows changes nothing.
 * - Never over the processor: each row is copied `INSERT … IF NOT EXISTS` (at the server's time), so a copy
 *   never overwrites a row the processor wrote to the bucketed table meanwhile (it writes both tables, so that
 *   row is at least as new), and never carries an old write time, which Keyspaces refuses beyond 2 days
 *   (keyspaces-write-time.ts).
 * - Never resurrects: the rows of a user with a tombstone (user_tombstones) are not copied.
 * - The bucketed key comes from usersBySignupDayPartition, the writers' one key function.
 *
 * This is the one full read of a table the project does, once per stage, to move it; readers never scan.
 */
import { type Client, types } from 'cassandra-driver';
import { insertStatement } from '../../lambdas/processor/sinks/cassandra/cassandra-sink.js';
import { StoredStateReader } from '../../lambdas/processor/sinks/cassandra/cassandra-stored-state.js';
import { executeIdempotentWrites } from '../../lambdas/shared/clients/keyspaces-retry.js';
import {
  LEGACY_USERS_BY_SIGNUP_DAY_TABLE,
  SIGNUP_DAY_BUCKET_COLUMN,
  SIGNUP_INSTANT_FIELD,
  USERS_BY_SIGNUP_DAY_TABLE,
  usersBySignupDayPartition,
} from '../../lambdas/shared/schema/cassandra/index.js';
import type { BackfillCheckpoint, CheckpointStore } from './checkpoint.js';

export interface BackfillOptions {
  readonly client: Client;
  readonly keyspace: string;
  /** The stage's signupDayTable.buckets. */
  readonly buckets: number;
  readonly checkpoint: CheckpointStore;
  /** Token ranges the ring is cut into (fixed for a backfill: the checkpoint counts them). @default 1024 */
  readonly slices?: number;
  /** Rows per page read. @default 500 */
  readonly pageSize?: number;
  /** Most rows written per second; 0: no limit. @default 2000 */
  readonly rowsPerSecond?: number;
  /** Writes in flight. @default 32 */
  readonly concurrency?: number;
  /** Stop after this many slices (a bounded run; the next one resumes). @default all */
  readonly maxSlices?: number;
  readonly log?: (message: string) => void;
  /** Test seam: waits between pages to keep the rate. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface BackfillResult {
  readonly checkpoint: BackfillCheckpoint;
  /** Rows copied by this run. */
  readonly rowsCopied: number;
  /** Slices finished by this run. */
  readonly slicesDone: number;
  /** Rows whose stored (signup_day, country) differs from what the key function derives (expected: 0). */
  readonly keyMismatches: number;
  /** Rows without an event_id (not written by the processor): not copied, listed by id. */
  readonly skippedIds: readonly string[];
  /** Rows of erased users (a tombstone in user_tombstones): not copied. */
  readonly erasedRows: number;
}

const MIN_TOKEN = -(2n ** 63n);
const MAX_TOKEN = 2n ** 63n - 1n;

/** The (start, end] token bounds of slice `index` of `slices` (the first excludes the minimum token, never used). */
export function sliceBounds(index: number, slices: number): [types.Long, types.Long] {
  const width = (MAX_TOKEN - MIN_TOKEN + 1n) / BigInt(slices);
  const start = MIN_TOKEN + width * BigInt(index);
  const end = index === slices - 1 ? MAX_TOKEN : start + width;
  return [types.Long.fromString(start.toString()), types.Long.fromString(end.toString())];
}

const LEGACY_COLUMNS = LEGACY_USERS_BY_SIGNUP_DAY_TABLE.columns.map((column) => column.name);
const LEGACY_PARTITION = LEGACY_USERS_BY_SIGNUP_DAY_TABLE.partitionKey.join(', ');

function readSliceQuery(keyspace: string): string {
  return (
    `SELECT ${LEGACY_COLUMNS.join(', ')} ` +
    `FROM ${keyspace}.${LEGACY_USERS_BY_SIGNUP_DAY_TABLE.name} ` +
    `WHERE token(${LEGACY_PARTITION}) > ? AND token(${LEGACY_PARTITION}) <= ?`
  );
}

interface CopiedRow {
  readonly params: unknown[] | undefined;
  readonly mismatch: boolean;
  readonly id: string;
}

/**
 * One legacy row as the parameters of the bucketed table's INSERT. The key is derived with
 * usersBySignupDayPartition from the id, the signup instant and the country (an address whose last part is the
 * country gives that country back), exactly as the processor derives it from the payload.
 */
export function bucketedRowOf(row: types.Row, buckets: number): CopiedRow {
  const id = String(row.get('id'));
  if (row.get('event_id') === null) return { params: undefined, mismatch: false, id };
  const registered = row.get(SIGNUP_INSTANT_FIELD) as Date;
  const storedCountry = String(row.get('country'));
  const key = usersBySignupDayPartition(
    { id, address: `, ${storedCountry}`, [SIGNUP_INSTANT_FIELD]: registered.toISOString() },
    buckets,
  );
  const storedDay = row.get('signup_day') as types.LocalDate;
  const derivedDay = new Date(key.signupEpochDay * 86_400_000).toISOString().slice(0, 10);
  const mismatch = key.country !== storedCountry || derivedDay !== storedDay.toString();
  const params = USERS_BY_SIGNUP_DAY_TABLE.columns.map((column) =>
    column.name === SIGNUP_DAY_BUCKET_COLUMN ? key.bucket : row.get(column.name),
  );
  return { params, mismatch, id };
}

/** Copies the slices from the checkpoint on; see the module comment. */
export async function backfillDayTable(options: BackfillOptions): Promise<BackfillResult> {
  const slices = options.slices ?? 1024;
  const log = options.log ?? (() => {});
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let checkpoint = options.checkpoint.load() ?? options.checkpoint.fresh(slices);
  const insert = insertStatement(options.keyspace, USERS_BY_SIGNUP_DAY_TABLE, { ifNotExists: true });
  const concurrency = options.concurrency ?? 32;
  const stored = new StoredStateReader(options.client, { keyspace: options.keyspace, concurrency });
  const read = readSliceQuery(options.keyspace);
  const rate = options.rowsPerSecond ?? 2_000;
  const started = performance.now();
  let rowsCopied = 0;
  let slicesDone = 0;
  let keyMismatches = 0;
  const skippedIds: string[] = [];
  let erasedRows = 0;
  while (
    checkpoint.nextSlice < checkpoint.slices &&
    slicesDone < (options.maxSlices ?? Number.POSITIVE_INFINITY)
  ) {
    const bounds = sliceBounds(checkpoint.nextSlice, checkpoint.slices);
    let pageState: string | undefined;
    let sliceRows = 0;
    do {
      const page = await options.client.execute(read, bounds, {
        prepare: true,
        fetchSize: options.pageSize ?? 500,
        ...(pageState ? { pageState } : {}),
      });
      const rows = page.rows.map((row) => bucketedRowOf(row, options.buckets));
      keyMismatches += rows.filter((row) => row.mismatch).length;
      skippedIds.push(...rows.filter((row) => row.params === undefined).map((row) => row.id));
      const erased = await stored.tombstonesOf([...new Set(rows.map((row) => row.id.toLowerCase()))]);
      const copied = rows.filter((row) => row.params !== undefined && !erased.has(row.id.toLowerCase()));
      erasedRows += rows.filter((row) => row.params !== undefined).length - copied.length;
      const queries = copied.map((row) => ({ query: insert, params: row.params as unknown[] }));
      await executeIdempotentWrites(options.client, queries, { concurrencyLevel: concurrency });
      sliceRows += queries.length;
      rowsCopied += queries.length;
      pageState = page.pageState ?? undefined;
      if (rate > 0) {
        const due = (rowsCopied / rate) * 1000 - (performance.now() - started);
        if (due > 0) await sleep(due);
      }
    } while (pageState);
    checkpoint = options.checkpoint.save({
      ...checkpoint,
      nextSlice: checkpoint.nextSlice + 1,
      rowsCopied: checkpoint.rowsCopied + sliceRows,
    });
    slicesDone += 1;
    if (checkpoint.nextSlice % 64 === 0 || checkpoint.nextSlice === checkpoint.slices)
      log(
        `slice ${checkpoint.nextSlice}/${checkpoint.slices}: ${checkpoint.rowsCopied.toLocaleString('en-US')} rows copied`,
      );
  }
  return { checkpoint, rowsCopied, slicesDone, keyMismatches, skippedIds, erasedRows };
}
