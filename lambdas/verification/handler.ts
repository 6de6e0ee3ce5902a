import { cassandraClient, logger, postgresPool, producer, settings } from './clients.js';
import {
  parseVerificationRequest,
  type ReadDeadLetterResponse,
  type ReadUsersResponse,
  type SendPoisonResponse,
} from './requests.js';
import { storeReadersOf } from './store-readers.js';
import { readDeadLetter, readUsers, sendPoison } from './verification.js';

const readers = storeReadersOf({
  postgres: postgresPool,
  cassandra: cassandraClient,
  keyspace: settings.keyspace,
});

/**
 * Invoked by `npm run verify` (never by the pipeline): reads users and dead letters from inside the VPC as the
 * reader role, and produces the run's one poison record to the source topic.
 * - `{ action: 'read-users', userIds }` → which users each store holds;
 * - `{ action: 'send-poison', runId }` → where the poison record landed;
 * - `{ action: 'read-dead-letter', topic, partition, offset }` → the dead letter written for that record.
 */
export const handler = async (
  event: unknown,
): Promise<ReadUsersResponse | SendPoisonResponse | ReadDeadLetterResponse> => {
  const request = parseVerificationRequest(event);
  switch (request.action) {
    case 'read-users':
      return readUsers(readers, request.userIds);
    case 'send-poison': {
      const landed = await sendPoison(producer, settings.topic, request.runId);
      logger.info('poison record produced', { runId: request.runId, ...landed });
      return landed;
    }
    case 'read-dead-letter':
      return readDeadLetter(postgresPool, request);
  }
};
