import { type auth, Client, policies, types } from 'cassandra-driver';
import { boolean, type Env, integer, oneOf, optionalString, requiredString } from '../config.js';
import { KeyspacesRetryPolicy } from './keyspaces-retry.js';

const CONSISTENCY_LEVELS = ['LOCAL_QUORUM', 'LOCAL_ONE', 'ONE', 'QUORUM'] as const;
export type ConsistencyName = (typeof CONSISTENCY_LEVELS)[number];

/**
 * How the Lambdas reach Cassandra. Locally plain Cassandra on 9042; in AWS Amazon Keyspaces on 9142 with
 * TLS and SigV4 (`CASSANDRA_AUTH=sigv4`). One code path; only these settings differ.
 */
export interface CassandraConnectionConfig {
  readonly contactPoints: readonly string[];
  readonly port: number;
  readonly localDataCenter: string;
  readonly keyspace: string;
  readonly auth: 'none' | 'sigv4';
  readonly tls: boolean;
  readonly consistency: ConsistencyName;
  /** Region for SigV4 signing (Keyspaces only). */
  readonly region?: string;
  /**
   * Connections to each host of the local data center. Keyspaces serves at most 3,000 CQL requests/s per
   * connection; the stage sets this (processor.keyspacesConnectionsPerHost, checked by `npm run capacity`).
   */
  readonly connectionsPerHost: number;
}

export function readCassandraConnectionConfig(env: Env): CassandraConnectionConfig {
  const authMode = oneOf(env, 'CASSANDRA_AUTH', ['none', 'sigv4'] as const, 'none');
  const region = authMode === 'sigv4' ? requiredString(env, 'AWS_REGION') : env.AWS_REGION;
  return {
    contactPoints: optionalString(env, 'CASSANDRA_CONTACT_POINTS', '127.0.0.1')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    port: integer(env, 'CASSANDRA_PORT', authMode === 'sigv4' ? 9142 : 9042, { min: 1, max: 65_535 }),
    localDataCenter: optionalString(
      env,
      'CASSANDRA_LOCAL_DC',
      region && authMode === 'sigv4' ? region : 'datacenter1',
    ),
    keyspace: optionalString(env, 'CASSANDRA_KEYSPACE', 'pipeline'),
    auth: authMode,
    tls: boolean(env, 'CASSANDRA_TLS', authMode === 'sigv4'),
    consistency: oneOf(env, 'CASSANDRA_CONSISTENCY', CONSISTENCY_LEVELS, 'LOCAL_QUORUM'),
    connectionsPerHost: integer(env, 'CASSANDRA_CONNECTIONS_PER_HOST', 1, { min: 1, max: 32 }),
    ...(region ? { region } : {}),
  };
}

async function sigV4AuthProvider(region: string): Promise<auth.AuthProvider> {
  // Loaded only for Keyspaces: local runs never need the credential chain (the Lambda runtime provides it).
  const [{ defaultProvider }, { KeyspacesSigV4AuthProvider }] = await Promise.all([
    import('@aws-sdk/credential-provider-node'),
    import('./keyspaces-sigv4.js'),
  ]);
  return new KeyspacesSigV4AuthProvider(region, defaultProvider());
}

export async function createCassandraClient(config: CassandraConnectionConfig): Promise<Client> {
  const authProvider = config.auth === 'sigv4' ? await sigV4AuthProvider(config.region ?? '') : undefined;
  const firstHost = config.contactPoints[0] ?? '127.0.0.1';
  return new Client({
    contactPoints: [...config.contactPoints],
    localDataCenter: config.localDataCenter,
    protocolOptions: { port: config.port },
    ...(authProvider ? { authProvider } : {}),
    // Keyspaces presents a public certificate for its endpoint name; Node's CA store verifies it.
    ...(config.tls ? { sslOptions: { servername: firstHost, rejectUnauthorized: true } } : {}),
    // Idempotent by default: every statement the Lambdas send is an INSERT with the event's write time
    // (USING TIMESTAMP) or schema DDL with IF NOT EXISTS, so sending one twice changes nothing; the retry policy
    // retries only idempotent statements. A non-idempotent statement must pass `isIdempotent: false`.
    queryOptions: {
      consistency: types.consistencies[consistencyKey(config.consistency)],
      prepare: true,
      isIdempotent: true,
    },
    socketOptions: { connectTimeout: 5_000, readTimeout: 12_000 },
    pooling: {
      coreConnectionsPerHost: {
        [types.distance.local]: config.connectionsPerHost,
        [types.distance.remote]: 1,
      },
    },
    policies: {
      // The driver's default backs off to 10 minutes; a node back from a restart should be used within seconds.
      reconnection: new policies.reconnection.ExponentialReconnectionPolicy(500, 10_000, false),
      // Keyspaces capacity errors (write/read timeouts) are retried; see keyspaces-retry.ts.
      retry: new KeyspacesRetryPolicy(),
    },
  });
}

function consistencyKey(name: ConsistencyName): 'localQuorum' | 'localOne' | 'one' | 'quorum' {
  const map = { LOCAL_QUORUM: 'localQuorum', LOCAL_ONE: 'localOne', ONE: 'one', QUORUM: 'quorum' } as const;
  return map[name];
}
