import type { Client } from 'cassandra-driver';
import { type CassandraConnectionConfig, createCassandraClient } from './cassandra.js';

/**
 * The container's Cassandra/Keyspaces client, connected on first use and shared by every invocation; a failed
 * connect is retried on the next call instead of being cached.
 */
export function lazyCassandraClient(config: CassandraConnectionConfig): () => Promise<Client> {
  let client: Promise<Client> | undefined;
  return () => {
    client ??= createCassandraClient(config)
      .then(async (created) => {
        await created.connect();
        return created;
      })
      .catch((error: unknown) => {
        client = undefined;
        throw error;
      });
    return client;
  };
}
