import type { SignupDayLayout } from './day-table-layout.js';
import { keyspaceTables } from './keyspace-tables.js';
import {
  DEFAULT_KEYSPACE,
  type KeyspaceReplication,
  LOCAL_REPLICATION,
  renderCreateKeyspaceCql,
  renderCreateTableCql,
  type TableDefinition,
} from './tables.js';

/** The part of a cassandra-driver `Client` this needs. */
export interface CassandraSchemaClient {
  execute(
    query: string,
    params?: unknown[],
    options?: { prepare?: boolean },
  ): Promise<{ rows: ReadonlyArray<{ get(name: string): unknown }> } | unknown>;
}

export interface ApplyCassandraSchemaOptions {
  readonly keyspace?: string;
  readonly replication?: KeyspaceReplication;
  /** The stage's day tables: the legacy table is created too while a stage upgrades. */
  readonly signupDay?: SignupDayLayout;
  /** @default keyspaceTables({ signupDay }): the layout's user tables without TTL, and the tombstones */
  readonly tables?: readonly TableDefinition[];
}

/** `ALTER TABLE … ADD` for each column of the definition the live table lacks (regular columns only). */
function renderAddColumnsCql(
  table: TableDefinition,
  keyspace: string,
  existingColumns: ReadonlySet<string>,
): string[] {
  return table.columns
    .filter((column) => !existingColumns.has(column.name))
    .map((column) => `ALTER TABLE ${keyspace}.${table.name} ADD ${column.name} ${column.type}`);
}

/** The table's `default_time_to_live` as the server has it (0 = rows do not expire). */
async function defaultTtlOf(client: CassandraSchemaClient, keyspace: string, table: string): Promise<number> {
  const result = (await client.execute(
    'SELECT default_time_to_live FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?',
    [keyspace, table],
    { prepare: true },
  )) as { rows: ReadonlyArray<{ get(name: string): unknown }> };
  return Number(result.rows[0]?.get('default_time_to_live') ?? 0);
}

async function existingColumnsOf(
  client: CassandraSchemaClient,
  keyspace: string,
  table: string,
): Promise<Set<string>> {
  const result = (await client.execute(
    'SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?',
    [keyspace, table],
    { prepare: true },
  )) as { rows: ReadonlyArray<{ get(name: string): unknown }> };
  return new Set(result.rows.map((row) => String(row.get('column_name'))));
}

/**
 * Creates the keyspace and tables if they do not exist, then adds the columns a newer definition has that an
 * existing table lacks (a new schema version's field) and sets the table's default TTL where the stage's
 * retention changed it (`ALTER TABLE … WITH default_time_to_live`), so applying twice changes nothing. Local Cassandra
 * only; on AWS, CloudFormation owns the tables (a new regular column is an in-place update there). Key
 * columns cannot be added to a live table: changing a key means a new table. Statements run one at a time
 * because the driver waits for schema agreement after each DDL statement. Returns the executed DDL.
 */
export async function applyCassandraSchema(
  client: CassandraSchemaClient,
  options: ApplyCassandraSchemaOptions = {},
): Promise<string[]> {
  const keyspace = options.keyspace ?? DEFAULT_KEYSPACE;
  const tables = options.tables ?? keyspaceTables({ signupDay: options.signupDay });
  const executed = [renderCreateKeyspaceCql(keyspace, options.replication ?? LOCAL_REPLICATION)];
  await client.execute(executed[0] as string);
  for (const table of tables) {
    const create = renderCreateTableCql(table, keyspace);
    await client.execute(create);
    executed.push(create);
    const existing = await existingColumnsOf(client, keyspace, table.name);
    for (const alter of renderAddColumnsCql(table, keyspace, existing)) {
      await client.execute(alter);
      executed.push(alter);
    }
    const ttl = table.defaultTtlSeconds ?? 0;
    if ((await defaultTtlOf(client, keyspace, table.name)) !== ttl) {
      // Changes the default of rows written from now on; existing rows keep their expiry, as in Keyspaces.
      const alter = `ALTER TABLE ${keyspace}.${table.name} WITH default_time_to_live = ${ttl}`;
      await client.execute(alter);
      executed.push(alter);
    }
  }
  return executed;
}
