// Clients live for the container: created once at module scope, reused by every invocation.
import { Logger } from '@aws-lambda-powertools/logger';
import type { Client } from 'cassandra-driver';
import { createCassandraClient } from '../shared/clients/cassandra.js';
import { createPostgresPool } from '../shared/clients/postgres.js';
import { createSecretsManagerClient, secretsManagerLoader } from '../shared/clients/secrets.js';
import { ManagedKafkaProducer } from '../shared/kafka/producer.js';
import { getVerificationConfig } from './config.js';

const config = getVerificationConfig();

export const logger = new Logger({ serviceName: 'verification' });

export const postgresPool = createPostgresPool(
  config.postgres,
  config.postgres.secretArn ? secretsManagerLoader(createSecretsManagerClient()) : undefined,
  (error) =>
    logger.warn('idle PostgreSQL connection lost; the pool reconnects on next use', { error: error.message }),
);

let cassandra: Promise<Client> | undefined;

/** The connected Cassandra/Keyspaces client; a failed connect is retried on the next invocation. */
export function cassandraClient(): Promise<Client> {
  cassandra ??= createCassandraClient(config.cassandra)
    .then(async (client) => {
      await client.connect();
      return client;
    })
    .catch((error: unknown) => {
      cassandra = undefined;
      throw error;
    });
  return cassandra;
}

export const producer = new ManagedKafkaProducer(config.kafka, { logger });

export const settings = { keyspace: config.cassandra.keyspace, topic: config.kafka.topic };
