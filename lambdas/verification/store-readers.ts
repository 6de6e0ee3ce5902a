import type { Client } from 'cassandra-driver';
import type pg from 'pg';
import type { ProcessorSinkName } from '../processor/sinks/index.js';
import { CREATED_USERS_TABLE } from '../shared/schema/cassandra/tables.js';

/** Reads which of some users one of the processor's stores holds (read-only, by primary key). */
export interface StoreReader {
  /** The sink's name (PROCESSOR_SINK_NAMES of lambdas/processor/sinks): the store the processor writes as that sink. */
  readonly name: ProcessorSinkName;
  findUsers(userIds: readonly string[]): Promise<string[]>;
}

/** What the readers read with. */
export interface StoreReaderClients {
  /** A pool logged in as the reader role (pipeline_reader). */
  readonly postgres: pg.Pool;
  /** The connected Cassandra/Keyspaces client (connects on first use). */
  readonly cassandra: () => Promise<Client>;
  readonly keyspace: string;
}

/** One reader per sink of the processor, in its sink order (lambdas/processor/sinks/index.ts). */
export function storeReadersOf(clients: StoreReaderClients): StoreReader[] {
  return [
    {
      name: 'postgres',
      async findUsers(userIds) {
        const result = await clients.postgres.query<{ user_id: string }>(
          'select user_id from users where user_id = any($1::uuid[])',
          [userIds],
        );
        return result.rows.map((row) => row.user_id);
      },
    },
    {
      name: 'cassandra',
      async findUsers(userIds) {
        const client = await clients.cassandra();
        // Point reads by partition key: Keyspaces bills the rows a query reads, never a scan.
        const query = `SELECT id FROM ${clients.keyspace}.${CREATED_USERS_TABLE.name} WHERE id = ?`;
        const rows = await Promise.all(
          userIds.map((id) => client.execute(query, [id], { prepare: true }).then((r) => r.first())),
        );
        return rows.flatMap((row) => (row ? [String(row.get('id'))] : []));
      },
    },
  ];
}
