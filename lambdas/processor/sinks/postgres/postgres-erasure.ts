/**
 * The PostgreSQL side of a user.deleted: one call of `erase_users()` (migration 0007), which in one statement
 * records the tombstone (the user's newest deletion wins), deletes the user's row if the tombstone is newer
 * than it, and removes the raw bytes of every dead letter keyed by the user. The processor's role may do
 * nothing else destructive: it has no DELETE on users and no UPDATE of raw bytes, only EXECUTE on the function.
 */
import type pg from 'pg';
import { EVENT_ORDER_COLUMNS } from '../../../shared/contract/index.js';
import type { AcceptedDeletion } from '../../process-batch.js';

/** What an erasure did, for the batch log. */
export interface PostgresErasureOutcome {
  readonly usersDeleted: number;
  readonly deadLettersPurged: number;
}

/** The function migration 0007 created; its parameters are column arrays, like the upserts' unnest(). */
export const ERASE_USERS =
  'select users_deleted, dead_letters_purged from erase_users($1::uuid[], $2::timestamptz[], $3::uuid[], $4::text[])';

/** The row value erase_users() and the upserts compare, `(occurred_at, event_id)`: the order of event-order.ts. */
export function orderRowOf(table: string): string {
  return `(${EVENT_ORDER_COLUMNS.map((column) => `${table}.${column}`).join(', ')})`;
}

/** The deletions as erase_users() parameters: ids, occurred_at, event ids, reason codes. */
export function erasureColumns(deletions: readonly AcceptedDeletion[]): unknown[][] {
  return [
    deletions.map(({ event }) => event.payload.id),
    deletions.map(({ event }) => event.occurred_at),
    deletions.map(({ event }) => event.event_id),
    deletions.map(({ event }) => event.payload.reason),
  ];
}

/** Applies the deletions (one per user: the batch's newest) in one statement, so in one transaction. */
export async function eraseUsers(
  pool: Pick<pg.Pool, 'query'>,
  deletions: readonly AcceptedDeletion[],
): Promise<PostgresErasureOutcome> {
  if (deletions.length === 0) return { usersDeleted: 0, deadLettersPurged: 0 };
  const { rows } = await pool.query<{ users_deleted: string; dead_letters_purged: string }>(
    ERASE_USERS,
    erasureColumns(deletions),
  );
  const [outcome] = rows;
  return {
    usersDeleted: Number(outcome?.users_deleted ?? 0),
    deadLettersPurged: Number(outcome?.dead_letters_purged ?? 0),
  };
}
