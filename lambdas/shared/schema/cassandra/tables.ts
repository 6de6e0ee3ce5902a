/**
 * The one definition of the Cassandra / Amazon Keyspaces schema. Local Cassandra gets CQL rendered from it
 * (renderCreateTableCql); the CDK stack gets AWS::Cassandra::Table properties (toKeyspacesTableSchemaDefinition).
 */

import { type CassandraTableName, inStoreColumnOrder, userField } from '../../contract/fields.js';
import { SIGNUP_DAY_BUCKET_COLUMN, SIGNUP_DAY_CLUSTERING_FIELDS } from './users-by-signup-day-key.js';

export const DEFAULT_KEYSPACE = 'pipeline';

/** Scalar CQL types that Amazon Keyspaces supports (no counters, collections or UDTs are needed here). */
export type CassandraColumnType =
  | 'ascii'
  | 'bigint'
  | 'blob'
  | 'boolean'
  | 'date'
  | 'decimal'
  | 'double'
  | 'float'
  | 'inet'
  | 'int'
  | 'smallint'
  | 'text'
  | 'time'
  | 'timestamp'
  | 'timeuuid'
  | 'tinyint'
  | 'uuid'
  | 'varint';

export interface ColumnDefinition {
  readonly name: string;
  readonly type: CassandraColumnType;
}

export type ClusteringOrder = 'ASC' | 'DESC';

export interface ClusteringColumnDefinition {
  readonly name: string;
  readonly order: ClusteringOrder;
}

export interface TableDefinition {
  readonly name: string;
  /** Every column, key columns included, in the order CQL lists them. */
  readonly columns: readonly ColumnDefinition[];
  readonly partitionKey: readonly string[];
  readonly clusteringKey: readonly ClusteringColumnDefinition[];
  readonly defaultTtlSeconds?: number;
}

/**
 * The registry's columns of one table: first the tutorial's (schema v1) payload fields, then lineage, then the
 * fields later versions added, so a new field always appends (ALTER TABLE ADD locally, an in-place update of
 * the Keyspaces table's regular columns). `leading` columns (the key) come first, in their given order.
 */
function registryColumns(
  table: CassandraTableName,
  leading: readonly ColumnDefinition[],
): ColumnDefinition[] {
  const ordered = inStoreColumnOrder<ColumnDefinition>(
    (field) =>
      field.cassandra.tables.includes(table) ? { name: field.name, type: field.cassandra.type } : undefined,
    (column) =>
      column.cassandra?.tables.includes(table)
        ? { name: column.name, type: column.cassandra.type }
        : undefined,
  );
  const leadingNames = new Set(leading.map((column) => column.name));
  return [...leading, ...ordered.filter((column) => !leadingNames.has(column.name))];
}

function registryColumn(table: CassandraTableName, name: string): ColumnDefinition {
  const field = userField(name);
  if (!field.cassandra.tables.includes(table))
    throw new InvalidCassandraSchemaError(
      `${table} key column ${name} is not carried by ${table} in the registry`,
    );
  return { name, type: field.cassandra.type };
}

/**
 * The stored event's `occurred_at` in µs, the first half of its order key (event-order.ts; `event_id` is the
 * other): the processor compares it with each new event to keep the newest, since the write time is no longer
 * the event's (Keyspaces refuses a write time older than 2 days; keyspaces-write-time.ts). The `occurred_at`
 * column keeps milliseconds only. A row written before this column existed has it null: its write time is its
 * occurred_at in µs (the former rule), and the processor reads that instead.
 */
export const ORDER_MICROS_COLUMN: ColumnDefinition = { name: 'occurred_at_micros', type: 'bigint' };

/**
 * Tutorial-compatible `created_users`: same name, same column names, `id uuid PRIMARY KEY`. Deliberate
 * difference: date-time fields are `timestamp` (the tutorial used text) so they sort and compare as instants;
 * CQL clients still read them by the same names. Columns come from the field registry, then the order key.
 */
export const CREATED_USERS_TABLE: TableDefinition = {
  name: 'created_users',
  columns: [
    ...registryColumns('created_users', [registryColumn('created_users', 'id')]),
    ORDER_MICROS_COLUMN,
  ],
  partitionKey: ['id'],
  clusteringKey: [],
};

const SIGNUP_DAY_CLUSTERING_KEY: readonly ClusteringColumnDefinition[] = SIGNUP_DAY_CLUSTERING_FIELDS.map(
  (name) => ({ name, order: 'ASC' }),
);

/** The day table's registry columns after the given key columns (the registry calls it users_by_signup_day). */
function signupDayColumns(partitionKey: readonly ColumnDefinition[]): ColumnDefinition[] {
  return registryColumns('users_by_signup_day', [
    ...partitionKey,
    ...SIGNUP_DAY_CLUSTERING_FIELDS.map((name) => registryColumn('users_by_signup_day', name)),
  ]);
}

/**
 * The day table. Analytics: "users who signed up on day D in country C" is one read per bucket of (D, C);
 * day ranges read each day. The bucket spreads one busy (day, country) over `signupDayTable.buckets`
 * partitions, so a market with all of a day's signups is not capped at one partition's 1,000 writes/s. Every key
 * column derives from the payload (see users-by-signup-day-key.ts), never from processing time, so a
 * redelivered or replayed event overwrites its own row instead of adding one.
 *
 * A new table, not users_by_signup_day changed: Cassandra and Keyspaces cannot change a primary key, so a
 * deployed stage moves its rows over (docs/scaling.md, "Upgrading a deployed stage"). The name says what
 * differs (not `_v2`, which would read as the event's schema version 2).
 */
export const USERS_BY_SIGNUP_DAY_TABLE: TableDefinition = {
  name: 'users_by_signup_day_bucketed',
  columns: signupDayColumns([
    { name: 'signup_day', type: 'date' },
    { name: 'country', type: 'text' },
    { name: SIGNUP_DAY_BUCKET_COLUMN, type: 'int' },
  ]),
  partitionKey: ['signup_day', 'country', SIGNUP_DAY_BUCKET_COLUMN],
  clusteringKey: SIGNUP_DAY_CLUSTERING_KEY,
};

/**
 * The day table of stages deployed before the bucket: partition (signup_day, country). Kept only while a
 * stage upgrades (`signupDayTable.legacyTable`: written alongside the bucketed table, read until the backfill
 * is done), then dropped. Its definition must stay exactly what those stages deployed, so CloudFormation
 * leaves the live table alone while both exist.
 */
export const LEGACY_USERS_BY_SIGNUP_DAY_TABLE: TableDefinition = {
  name: 'users_by_signup_day',
  columns: signupDayColumns([
    { name: 'signup_day', type: 'date' },
    { name: 'country', type: 'text' },
  ]),
  partitionKey: ['signup_day', 'country'],
  clusteringKey: SIGNUP_DAY_CLUSTERING_KEY,
};

/** The tables of a stage that has finished (or never needed) the upgrade; see cassandraTablesOf(). */
export const CASSANDRA_TABLES: readonly TableDefinition[] = [CREATED_USERS_TABLE, USERS_BY_SIGNUP_DAY_TABLE];

export class InvalidCassandraSchemaError extends Error {
  override readonly name = 'InvalidCassandraSchemaError';
}

/** Lower-case, unquoted identifiers only; Keyspaces names must match ^[a-zA-Z0-9][a-zA-Z0-9_]{1,47}$. */
const IDENTIFIER = /^[a-z][a-z0-9_]{1,47}$/;
const DATA_CENTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Keyspaces' maximum default TTL (20 years). */
const MAX_DEFAULT_TTL_SECONDS = 630_720_000;

export function assertCqlIdentifier(identifier: string, what: string): void {
  if (!IDENTIFIER.test(identifier)) {
    throw new InvalidCassandraSchemaError(`${what} ${JSON.stringify(identifier)} must match ${IDENTIFIER}`);
  }
}

/** Throws InvalidCassandraSchemaError unless the definition is internally consistent. */
export function assertValidTableDefinition(table: TableDefinition): void {
  assertCqlIdentifier(table.name, 'table name');
  const names = new Set<string>();
  for (const column of table.columns) {
    assertCqlIdentifier(column.name, `column name in ${table.name}`);
    if (names.has(column.name))
      throw new InvalidCassandraSchemaError(`${table.name}.${column.name} is duplicated`);
    names.add(column.name);
  }
  if (table.partitionKey.length === 0)
    throw new InvalidCassandraSchemaError(`${table.name} has no partition key`);
  const keyColumns = [...table.partitionKey, ...table.clusteringKey.map((column) => column.name)];
  for (const name of keyColumns) {
    if (!names.has(name))
      throw new InvalidCassandraSchemaError(`${table.name} key column ${name} is not a column`);
  }
  if (new Set(keyColumns).size !== keyColumns.length) {
    throw new InvalidCassandraSchemaError(`${table.name} uses a key column twice`);
  }
  const ttl = table.defaultTtlSeconds;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_DEFAULT_TTL_SECONDS)) {
    throw new InvalidCassandraSchemaError(
      `${table.name} default TTL ${ttl} is outside 0..${MAX_DEFAULT_TTL_SECONDS}`,
    );
  }
}

export type KeyspaceReplication =
  | { readonly class: 'SimpleStrategy'; readonly replicationFactor: number }
  | { readonly class: 'NetworkTopologyStrategy'; readonly dataCenters: Readonly<Record<string, number>> };

/** One local node. */
export const LOCAL_REPLICATION: KeyspaceReplication = { class: 'SimpleStrategy', replicationFactor: 1 };

export function renderCreateKeyspaceCql(
  keyspace: string = DEFAULT_KEYSPACE,
  replication: KeyspaceReplication = LOCAL_REPLICATION,
): string {
  assertCqlIdentifier(keyspace, 'keyspace name');
  const entries: Array<[string, string | number]> = [['class', replication.class]];
  if (replication.class === 'SimpleStrategy') {
    entries.push(['replication_factor', assertReplicationFactor(replication.replicationFactor)]);
  } else {
    const dataCenters = Object.entries(replication.dataCenters);
    if (dataCenters.length === 0)
      throw new InvalidCassandraSchemaError('NetworkTopologyStrategy needs a data center');
    for (const [dataCenter, factor] of dataCenters) {
      if (!DATA_CENTER_NAME.test(dataCenter)) {
        throw new InvalidCassandraSchemaError(
          `data center name ${JSON.stringify(dataCenter)} is not allowed`,
        );
      }
      entries.push([dataCenter, assertReplicationFactor(factor)]);
    }
  }
  const map = entries
    .map(([key, value]) => `'${key}': ${typeof value === 'number' ? value : `'${value}'`}`)
    .join(', ');
  return `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {${map}}`;
}

export function renderCreateTableCql(table: TableDefinition, keyspace: string = DEFAULT_KEYSPACE): string {
  assertCqlIdentifier(keyspace, 'keyspace name');
  assertValidTableDefinition(table);
  const partition =
    table.partitionKey.length === 1 ? String(table.partitionKey[0]) : `(${table.partitionKey.join(', ')})`;
  const primaryKey = [partition, ...table.clusteringKey.map((column) => column.name)].join(', ');
  const lines = [
    ...table.columns.map((column) => `  ${column.name} ${column.type},`),
    `  PRIMARY KEY (${primaryKey})`,
  ];
  const options: string[] = [];
  if (table.clusteringKey.length > 0) {
    const order = table.clusteringKey.map((column) => `${column.name} ${column.order}`).join(', ');
    options.push(`CLUSTERING ORDER BY (${order})`);
  }
  if (table.defaultTtlSeconds !== undefined)
    options.push(`default_time_to_live = ${table.defaultTtlSeconds}`);
  const withClause = options.length > 0 ? ` WITH ${options.join(' AND ')}` : '';
  return `CREATE TABLE IF NOT EXISTS ${keyspace}.${table.name} (\n${lines.join('\n')}\n)${withClause}`;
}

/** Property objects named exactly as aws-cdk-lib's `CfnTableProps` (AWS::Cassandra::Table). */
export interface KeyspacesColumn {
  readonly columnName: string;
  readonly columnType: string;
}

export interface KeyspacesClusteringKeyColumn {
  readonly column: KeyspacesColumn;
  readonly orderBy: ClusteringOrder;
}

export interface KeyspacesTableSchemaDefinition {
  readonly tableName: string;
  readonly partitionKeyColumns: KeyspacesColumn[];
  /** Absent when the table has no clustering columns. */
  readonly clusteringKeyColumns?: KeyspacesClusteringKeyColumn[];
  readonly regularColumns: KeyspacesColumn[];
  readonly defaultTimeToLive?: number;
}

/** For `new CfnTable(scope, id, { keyspaceName, ...toKeyspacesTableSchemaDefinition(table) })`. */
export function toKeyspacesTableSchemaDefinition(table: TableDefinition): KeyspacesTableSchemaDefinition {
  assertValidTableDefinition(table);
  const typeOf = new Map(table.columns.map((column) => [column.name, column.type]));
  const keyspacesColumn = (name: string): KeyspacesColumn => {
    const columnType = typeOf.get(name);
    if (columnType === undefined) throw new InvalidCassandraSchemaError(`${table.name}.${name} has no type`);
    return { columnName: name, columnType };
  };
  const keyNames = new Set([...table.partitionKey, ...table.clusteringKey.map((column) => column.name)]);
  const definition: {
    -readonly [Key in keyof KeyspacesTableSchemaDefinition]: KeyspacesTableSchemaDefinition[Key];
  } = {
    tableName: table.name,
    partitionKeyColumns: table.partitionKey.map(keyspacesColumn),
    regularColumns: table.columns
      .filter((column) => !keyNames.has(column.name))
      .map((column) => keyspacesColumn(column.name)),
  };
  if (table.clusteringKey.length > 0) {
    definition.clusteringKeyColumns = table.clusteringKey.map((column) => ({
      column: keyspacesColumn(column.name),
      orderBy: column.order,
    }));
  }
  if (table.defaultTtlSeconds !== undefined) definition.defaultTimeToLive = table.defaultTtlSeconds;
  return definition;
}

function assertReplicationFactor(factor: number): number {
  if (!Number.isInteger(factor) || factor < 1) {
    throw new InvalidCassandraSchemaError(`replication factor ${factor} must be a positive integer`);
  }
  return factor;
}
