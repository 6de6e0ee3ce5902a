/**
 * Serves the ingest-http Lambda handler locally, as API Gateway would, until interrupted:
 *   npx tsx local/runtime/http-api-main.ts [--port 3000] [--host 127.0.0.1] [--concurrency 8]
 * KAFKA_BROKERS defaults to the local Kafka (`npm run services -- up`); KAFKA_TOPIC (users_created) is
 * created if missing, since the local broker, like MSK, does not create topics on demand.
 */
import { Kafka, logLevel } from 'kafkajs';
import { USERS_CREATED_TOPIC } from '../../lambdas/shared/contract/index.js';
import { parseCli, wholeNumberFlag } from '../cli/args.js';
import { readLocalServicesSettings } from '../services/config.js';
import { startHttpApi } from './http-adapter.js';
import { ensureTopics } from './kafka-topics.js';
import { LambdaContainerPool } from './lambda-container-pool.js';
import { pushApiDocuments } from './openapi-document.js';

const USAGE = `usage: npx tsx local/runtime/http-api-main.ts [--port N] [--host ADDRESS] [--concurrency N]

Serves the ingest-http Lambda behind the local API Gateway adapter (and GET /v1/openapi.json).

options:
  --port N          0-65535, 0 = any free port (default 3000)
  --host ADDRESS    address to listen on (default 127.0.0.1)
  --concurrency N   Lambda containers, 1-256 (default 8)
  -h, --help        show this help`;

const { values } = parseCli({
  usage: USAGE,
  options: {
    port: { type: 'string', default: '3000' },
    host: { type: 'string', default: '127.0.0.1' },
    concurrency: { type: 'string', default: '8' },
  },
});
const port = wholeNumberFlag(USAGE, 'port', values.port, 0, 65_535);
const concurrency = wholeNumberFlag(USAGE, 'concurrency', values.concurrency, 1, 256);

process.env.KAFKA_BROKERS ??= readLocalServicesSettings().kafka.brokers;
const topic = process.env.KAFKA_TOPIC || USERS_CREATED_TOPIC;
const kafka = new Kafka({
  clientId: 'http-api-main',
  brokers: process.env.KAFKA_BROKERS.split(','),
  logLevel: logLevel.WARN,
});
await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);

// Each container loads the handler, which reads its configuration once, from the environment set above.
const containers = new LambdaContainerPool({
  handlerModule: new URL('../../lambdas/ingest-http/handler.ts', import.meta.url),
  functionName: 'ingest-http',
  maxContainers: concurrency,
});
const api = await startHttpApi({
  handler: (event, context) => containers.invoke(event, context),
  port,
  host: values.host,
  documents: pushApiDocuments(),
});
console.log(
  `ingest-http API on ${api.url} (POST /v1/users, DELETE /v1/users/{id}, GET /v1/health, GET /v1/openapi.json; up to ${concurrency} containers) → Kafka topic ${topic}`,
);

const stop = () => {
  Promise.all([api.close(), containers.close()]).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('closing the API failed', error);
      process.exit(1);
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
