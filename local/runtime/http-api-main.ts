/**
 * Serves the ingest-http Lambda handler locally, as API Gateway would, until interrupted:
 *   npx tsx local/runtime/http-api-main.ts [--port 3000] [--host 127.0.0.1]
 * KAFKA_BROKERS defaults to the local Kafka (`npm run services -- up`); KAFKA_TOPIC (users_created) is
 * created if missing, since the local broker, like MSK, does not create topics on demand.
 */
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { USERS_CREATED_TOPIC } from '../../lambdas/shared/contract/index.js';
import { readLocalServicesSettings } from '../services/config.js';
import { startHttpApi } from './http-adapter.js';
import { ensureTopics } from './kafka-topics.js';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '3000' }, host: { type: 'string', default: '127.0.0.1' } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be an integer from 0 to 65535, got ${values.port}`);
  process.exit(2);
}

process.env.KAFKA_BROKERS ??= readLocalServicesSettings().kafka.brokers;
const topic = process.env.KAFKA_TOPIC || USERS_CREATED_TOPIC;
const kafka = new Kafka({
  clientId: 'http-api-main',
  brokers: process.env.KAFKA_BROKERS.split(','),
  logLevel: logLevel.WARN,
});
await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);

// Imported only now: the handler reads its configuration once, when its module loads.
const { handler } = await import('../../lambdas/ingest-http/handler.js');
const api = await startHttpApi({ handler, port, host: values.host });
console.log(`ingest-http API on ${api.url} (POST /v1/users, GET /v1/health) → Kafka topic ${topic}`);

const stop = () => {
  api.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('closing the API failed', error);
      process.exit(1);
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
