/**
 * The processor container's clients: PostgreSQL with the Secrets Manager password in AWS, and a Cassandra
 * client connected once and reused, whose failed first connect is retried on the next invocation. The
 * Cassandra client is a stand-in whose connect can fail; nothing is contacted.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const cassandra = vi.hoisted(() => ({
  created: 0,
  connectFailures: [] as Error[],
  configs: [] as unknown[],
}));

vi.mock('../../../../lambdas/shared/clients/cassandra.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../../lambdas/shared/clients/cassandra.js')>();
  return {
    ...actual,
    createCassandraClient: async (config: unknown) => {
      cassandra.created += 1;
      cassandra.configs.push(config);
      const id = cassandra.created;
      return {
        id,
        connect: async () => {
          const failure = cassandra.connectFailures.shift();
          if (failure) throw failure;
        },
        shutdown: async () => {},
      };
    },
  };
});

const ENV = {
  AWS_REGION: 'eu-west-1',
  PGHOST: 'proxy.example',
  PG_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db',
  CASSANDRA_AUTH: 'sigv4',
  CASSANDRA_CONTACT_POINTS: 'cassandra.eu-west-1.amazonaws.com',
  CASSANDRA_KEYSPACE: 'pipeline_dev',
  CASSANDRA_WRITE_CONCURRENCY: '16',
  SIGNUP_DAY_BUCKETS: '16',
};
/** Connection variables `npm test` exports for the local services; they must not leak into the AWS setup. */
const UNSET = ['CASSANDRA_PORT', 'CASSANDRA_LOCAL_DC', 'CASSANDRA_TLS', 'CASSANDRA_CONSISTENCY'];
const saved = Object.fromEntries([...Object.keys(ENV), ...UNSET].map((name) => [name, process.env[name]]));
let clients: typeof import('../../../../lambdas/processor/clients.js');

beforeAll(async () => {
  for (const name of UNSET) delete process.env[name];
  Object.assign(process.env, ENV);
  clients = await import('../../../../lambdas/processor/clients.js');
});
afterAll(async () => {
  await clients.closeProcessorClients();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('processor clients', () => {
  it('reads the settings from the environment', async () => {
    const { cassandraSink } = await import('../../../../lambdas/processor/sinks/cassandra/index.js');
    expect(cassandraSink.readSettings(process.env)).toMatchObject({
      connection: { keyspace: 'pipeline_dev' },
      writeConcurrency: 16,
      signupDay: { buckets: 16, legacyTable: 'none' },
    });
  });

  it('opens one client per sink module, in the list order', async () => {
    const { PROCESSOR_SINK_NAMES } = await import('../../../../lambdas/processor/sinks/index.js');
    expect(clients.processorSinks.modules.map((module) => module.name)).toEqual([...PROCESSOR_SINK_NAMES]);
  });

  it('builds the PostgreSQL pool for RDS Proxy over TLS with the password from the secret', async () => {
    const pool = (await clients.processorSinks.client('postgres')) as { options: unknown };
    const options = pool.options as { host: string; ssl: unknown; password: unknown };
    expect(options.host).toBe('proxy.example');
    expect(options.ssl).toEqual({ rejectUnauthorized: true });
    expect(options.password).toBeTypeOf('function');
  });

  it('retries a failed first Cassandra connect on the next invocation, then reuses the client', async () => {
    cassandra.connectFailures.push(new Error('NoHostAvailableError'));
    await expect(clients.processorSinks.client('cassandra')).rejects.toThrow('NoHostAvailableError');
    const second = (await clients.processorSinks.client('cassandra')) as unknown as { id: number };
    const third = (await clients.processorSinks.client('cassandra')) as unknown as { id: number };
    expect(second.id).toBe(2);
    expect(third).toBe(second);
    expect(cassandra.created).toBe(2);
    expect(cassandra.configs[0]).toMatchObject({ port: 9142, tls: true, localDataCenter: 'eu-west-1' });
  });
});
