// Clients live for the container: created once at module scope, reused by every invocation.
import { Logger } from '@aws-lambda-powertools/logger';
import { lazyCassandraClient } from '../shared/clients/lazy-cassandra.js';
import { lambdaPostgresPool } from '../shared/clients/secrets.js';
import { ManagedKafkaProducer } from '../shared/kafka/producer.js';
import { getVerificationConfig } from './config.js';

const config = getVerificationConfig();

export const logger = new Logger({ serviceName: 'verification' });

export const postgresPool = lambdaPostgresPool(config.postgres, (message, detail) =>
  logger.warn(message, detail),
);

/** The connected Cassandra/Keyspaces client; a failed connect is retried on the next invocation. */
export const cassandraClient = lazyCassandraClient(config.cassandra);

export const producer = new ManagedKafkaProducer(config.kafka, { logger });

export const settings = { keyspace: config.cassandra.keyspace, topic: config.kafka.topic };
