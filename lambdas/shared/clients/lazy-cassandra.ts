import type { Client } from 'cassandra-driver';
import { type CassandraConnectionConfig, createCassandraClient } from './cassandra.js';

/** The container's client, connected on first call; `shutdown` closes it where the process, not Lambda, ends. */
export interface LazyCassandraClient {
  (): Promise<Client>;
  /** Closes the client if one connected (the next call connects afresh). */
  shutdown(): Promise<void>;
}

/**
 * The container's Cassandra/Keyspaces client, connected on first use and shared by every invocation; a failed
 * connect is retried on the next call instead of being cached.
 */
export function lazyCassandraClient(config: CassandraConnectionConfig): LazyCassandraClient {
  let client: Promise<Client> | undefined;
  const connected = () => {
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
  const shutdown = async () => {
    const current = client;
    client = undefined;
    // A connect that failed left nothing open.
    const open = await current?.catch(() => undefined);
    await open?.shutdown();
  };
  return Object.assign(connected, { shutdown });
}
