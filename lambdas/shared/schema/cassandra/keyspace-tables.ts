/**
 * Every table of the keyspace: the user tables (CASSANDRA_TABLES, which hold personal data and take the
 * stage's default TTL) and `user_tombstones`, the Cassandra side of erasure, which holds none and never expires.
 */
import { userField } from '../../contract/fields.js';
import { cassandraTablesOf, type SignupDayLayout } from './day-table-layout.js';
import { CASSANDRA_TABLES, ORDER_MICROS_COLUMN, type TableDefinition } from './tables.js';

/**
 * One row per erased user id: the newest user.deleted event's id, its occurred_at (and in µs: its order key,
 * ORDER_MICROS_COLUMN) and its reason code. The processor reads it before writing creates, so a create that is
 * not newer than the user's deletion never lands, in any table or partition. No personal data: a user id, an
 * instant, an event id and a reason code.
 */
export const USER_TOMBSTONES_TABLE: TableDefinition = {
  name: 'user_tombstones',
  columns: [
    { name: 'id', type: userField('id').cassandra.type },
    { name: 'event_id', type: 'uuid' },
    { name: 'occurred_at', type: 'timestamp' },
    { name: 'reason', type: 'text' },
    ORDER_MICROS_COLUMN,
  ],
  partitionKey: ['id'],
  clusteringKey: [],
};

export interface KeyspaceTablesOptions {
  /**
   * Default TTL of the user tables, seconds; 0 keeps rows until they are deleted. The tombstones never
   * expire: an expired tombstone would let an older create resurrect the user. @default 0
   */
  readonly userRowsTtlSeconds?: number;
  /** The stage's day tables (cassandraTablesOf). @default CASSANDRA_TABLES (no legacy table) */
  readonly signupDay?: SignupDayLayout;
}

/** The keyspace's tables with the stage's retention applied: what CDK creates and local Cassandra gets. */
export function keyspaceTables(options: KeyspaceTablesOptions = {}): TableDefinition[] {
  const ttl = options.userRowsTtlSeconds ?? 0;
  const layoutTables = options.signupDay ? cassandraTablesOf(options.signupDay) : CASSANDRA_TABLES;
  const userTables = layoutTables.map((table) => (ttl > 0 ? { ...table, defaultTtlSeconds: ttl } : table));
  return [...userTables, USER_TOMBSTONES_TABLE];
}

/** Every table of the keyspace, without TTL. */
export const KEYSPACE_TABLES: readonly TableDefinition[] = keyspaceTables();
