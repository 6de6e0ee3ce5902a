/**
 * The Cassandra client in Amazon Keyspaces mode (CASSANDRA_AUTH=sigv4), which only AWS runs: port 9142, TLS
 * verified against the endpoint name, the region as the data centre, SigV4 authentication. No server is
 * contacted: the driver's client is built and its options read.
 */
import { type auth, types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import {
  createCassandraClient,
  readCassandraConnectionConfig,
} from '../../../../../lambdas/shared/clients/cassandra.js';
import { MissingConfigurationError } from '../../../../../lambdas/shared/config.js';

const KEYSPACES_ENV = {
  CASSANDRA_AUTH: 'sigv4',
  CASSANDRA_CONTACT_POINTS: 'cassandra.eu-west-1.amazonaws.com',
  AWS_REGION: 'eu-west-1',
};

describe('readCassandraConnectionConfig for Keyspaces', () => {
  it('defaults to port 9142, TLS and the region as the local data centre', () => {
    expect(readCassandraConnectionConfig(KEYSPACES_ENV)).toEqual({
      contactPoints: ['cassandra.eu-west-1.amazonaws.com'],
      port: 9142,
      localDataCenter: 'eu-west-1',
      keyspace: 'pipeline',
      auth: 'sigv4',
      tls: true,
      consistency: 'LOCAL_QUORUM',
      connectionsPerHost: 1,
      region: 'eu-west-1',
    });
  });

  it('fails at cold start naming AWS_REGION when the region is missing', () => {
    const { AWS_REGION: _unset, ...withoutRegion } = KEYSPACES_ENV;
    expect(() => readCassandraConnectionConfig(withoutRegion)).toThrow(MissingConfigurationError);
    expect(() => readCassandraConnectionConfig(withoutRegion)).toThrow(
      'environment variable AWS_REGION is required but not set',
    );
  });

  it('stays on plain Cassandra (9042, no TLS, datacenter1) without sigv4, even inside a region', () => {
    expect(readCassandraConnectionConfig({ AWS_REGION: 'eu-west-1' })).toMatchObject({
      port: 9042,
      tls: false,
      localDataCenter: 'datacenter1',
      auth: 'none',
    });
  });
});

describe('createCassandraClient for Keyspaces', () => {
  it('connects with TLS to the endpoint name, SigV4 auth, port 9142 and LOCAL_QUORUM', async () => {
    const client = await createCassandraClient(readCassandraConnectionConfig(KEYSPACES_ENV));
    const { options } = client as unknown as {
      options: {
        contactPoints: string[];
        localDataCenter: string;
        protocolOptions: { port: number };
        sslOptions?: { servername: string; rejectUnauthorized: boolean };
        authProvider?: auth.AuthProvider;
        queryOptions: { consistency: number; prepare: boolean };
      };
    };
    expect(options.contactPoints).toEqual(['cassandra.eu-west-1.amazonaws.com']);
    expect(options.localDataCenter).toBe('eu-west-1');
    expect(options.protocolOptions.port).toBe(9142);
    expect(options.sslOptions).toEqual({
      servername: 'cassandra.eu-west-1.amazonaws.com',
      rejectUnauthorized: true,
    });
    // SigV4 signs for the Keyspaces endpoint's region.
    expect(options.authProvider?.newAuthenticator).toBeTypeOf('function');
    expect(options.authProvider).toMatchObject({ region: 'eu-west-1' });
    expect(options.queryOptions).toMatchObject({
      consistency: types.consistencies.localQuorum,
      prepare: true,
    });
  });

  it('builds a plain client locally: no TLS, no auth provider, the chosen consistency', async () => {
    const client = await createCassandraClient(
      readCassandraConnectionConfig({ CASSANDRA_CONSISTENCY: 'LOCAL_ONE' }),
    );
    const { options } = client as unknown as {
      options: {
        sslOptions?: unknown;
        authProvider?: unknown;
        protocolOptions: { port: number };
        queryOptions: { consistency: number };
      };
    };
    expect(options.sslOptions).toBeUndefined();
    expect(options.protocolOptions.port).toBe(9042);
    expect(options.queryOptions.consistency).toBe(types.consistencies.localOne);
  });
});
