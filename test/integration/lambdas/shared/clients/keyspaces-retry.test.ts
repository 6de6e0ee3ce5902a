import type { Client } from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCassandraClient,
  readCassandraConnectionConfig,
} from '../../../../../lambdas/shared/clients/cassandra.js';
import { executeIdempotentWrites } from '../../../../../lambdas/shared/clients/keyspaces-retry.js';
import { services, uniqueName } from '../../../../support/local-services.js';

// The processor's Cassandra client (retry policy, idempotent statements, connections per host) on the real
// local Cassandra, writing through the backoff layer.
const keyspace = uniqueName('retry_it');
let client: Client;

beforeAll(async () => {
  client = await createCassandraClient(
    readCassandraConnectionConfig({
      CASSANDRA_CONTACT_POINTS: services.cassandra.host,
      CASSANDRA_PORT: String(services.cassandra.port),
      CASSANDRA_LOCAL_DC: services.cassandra.localDataCenter,
      CASSANDRA_KEYSPACE: keyspace,
      CASSANDRA_CONSISTENCY: 'LOCAL_ONE',
      CASSANDRA_CONNECTIONS_PER_HOST: '2',
    }),
  );
  await client.connect();
  await client.execute(
    `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  await client.execute(`CREATE TABLE ${keyspace}.items (id int PRIMARY KEY, label text)`);
}, 60_000);

afterAll(async () => {
  await client?.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
  await client?.shutdown();
});

describe('executeIdempotentWrites on the real client', () => {
  it('writes every statement and opens the configured connections to the host', async () => {
    const insert = `INSERT INTO ${keyspace}.items (id, label) VALUES (?, ?) USING TIMESTAMP ?`;
    // Write times inside Keyspaces' window (now − 2 days .. now + 5 minutes), which the write path checks.
    const now = Date.now() * 1_000;
    const queries = Array.from({ length: 200 }, (_, i) => ({
      query: insert,
      params: [i, `item ${i}`, now + i],
    }));
    let sleeps = 0;
    await executeIdempotentWrites(client, queries, {
      concurrencyLevel: 32,
      sleep: async () => {
        sleeps++;
      },
    });
    const count = await client.execute(`SELECT count(*) FROM ${keyspace}.items`);
    expect(Number(count.first()?.get('count'))).toBe(200);
    expect(sleeps).toBe(0);
    const [host] = client.getState().getConnectedHosts();
    expect(host && client.getState().getOpenConnections(host)).toBe(2);
  });

  it('fails at once, without backoff, when a statement fails for a reason other than capacity', async () => {
    const queries = [
      { query: `INSERT INTO ${keyspace}.items (id, label) VALUES (?, ?)`, params: [9_001, 'fine'] },
      { query: `INSERT INTO ${keyspace}.missing_table (id) VALUES (?)`, params: [1] },
    ];
    let sleeps = 0;
    await expect(
      executeIdempotentWrites(client, queries, {
        concurrencyLevel: 2,
        sleep: async () => {
          sleeps++;
        },
      }),
    ).rejects.toThrow(/missing_table|unconfigured table/i);
    expect(sleeps).toBe(0);
  });
});
