import {
  CASSANDRA_TABLES,
  DEFAULT_KEYSPACE,
  type KeyspaceReplication,
  LOCAL_REPLICATION,
  renderCreateKeyspaceCql,
  renderCreateTableCql,
  type TableDefinition,
} from './tables.js';

/** The part of a cassandra-driver `Client` this needs. */
export interface CassandraSchemaClient {
  execute(query: string): Promise<unknown>;
}

export interface ApplyCassandraSchemaOptions {
  readonly keyspace?: string;
  readonly replication?: KeyspaceReplication;
  readonly tables?: readonly TableDefinition[];
}

/**
 * Creates the keyspace and tables if they do not exist (local Cassandra; on AWS, CloudFormation owns them).
 * Existing tables are left as they are: adding a column to a definition needs an ALTER TABLE locally.
 * Statements run one at a time because the driver waits for schema agreement after each DDL statement.
 * Returns the executed statements.
 */
export async function applyCassandraSchema(
  client: CassandraSchemaClient,
  options: ApplyCassandraSchemaOptions = {},
): Promise<string[]> {
  const keyspace = options.keyspace ?? DEFAULT_KEYSPACE;
  const statements = [
    renderCreateKeyspaceCql(keyspace, options.replication ?? LOCAL_REPLICATION),
    ...(options.tables ?? CASSANDRA_TABLES).map((table) => renderCreateTableCql(table, keyspace)),
  ];
  for (const statement of statements) await client.execute(statement);
  return statements;
}
