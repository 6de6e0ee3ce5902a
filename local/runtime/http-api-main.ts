/**
 * Serves the ingest-http Lambda handler locally, as API Gateway would, until interrupted:
 *   npx tsx local/runtime/http-api-main.ts [--port 3000] [--host 127.0.0.1] [--concurrency 8] [--stage dev]
 *     [--api-rate N] [--api-burst N]
 * The stage's caller authentication and throttle apply, as in `npm start` (the key: LOCAL_STATE_DIR/api-key).
 * KAFKA_BROKERS defaults to the local Kafka (`npm run services -- up`); KAFKA_TOPIC (users_created) is
 * created if missing, since the local broker, like MSK, does not create topics on demand.
 */
import { Kafka, logLevel } from 'kafkajs';
import { USERS_CREATED_TOPIC } from '../../lambdas/shared/contract/index.js';
import { exitWithUsage, parseCli, wholeNumberFlag } from '../../tools/cli/args.js';
import { readLocalServicesSettings } from '../services/config.js';
import { describeApiAccess, stageApiAccess } from './api-gateway-access.js';
import { startHttpApi } from './http-adapter.js';
import { ensureTopics } from './kafka-topics.js';
import { LambdaContainerPool } from './lambda-container-pool.js';
import { LOCAL_MAPPING_STAGE, MIRRORED_STAGES } from './local-mapping.js';
import { pushApiDocuments } from './openapi-document.js';

const USAGE = `usage: npx tsx local/runtime/http-api-main.ts [--port N] [--host ADDRESS] [--concurrency N] [--stage S]
       [--api-rate N] [--api-burst N]

Serves the ingest-http Lambda behind the local API Gateway adapter (and GET /v1/openapi.json).

options:
  --port N          0-65535, 0 = any free port (default 3000)
  --host ADDRESS    address to listen on (default 127.0.0.1)
  --concurrency N   Lambda containers, 1-256 (default 8)
  --stage dev|prod  the stage whose api.auth and throttle apply (default dev: API key, 50 req/s, burst 100)
  --api-rate N      throttle rate, requests/s, 1-1000000 (default: the stage's)
  --api-burst N     throttle burst, 1-1000000 (default: the stage's)
  -h, --help        show this help`;

const { values } = parseCli({
  usage: USAGE,
  options: {
    port: { type: 'string', default: '3000' },
    host: { type: 'string', default: '127.0.0.1' },
    concurrency: { type: 'string', default: '8' },
    stage: { type: 'string', default: LOCAL_MAPPING_STAGE },
    'api-rate': { type: 'string' },
    'api-burst': { type: 'string' },
  },
});
const port = wholeNumberFlag(USAGE, 'port', values.port, 0, 65_535);
const concurrency = wholeNumberFlag(USAGE, 'concurrency', values.concurrency, 1, 256);
if (!(MIRRORED_STAGES as readonly string[]).includes(values.stage))
  exitWithUsage(USAGE, `--stage must be ${MIRRORED_STAGES.join(' or ')}, got "${values.stage}"`);
const optionalWholeNumber = (flag: 'api-rate' | 'api-burst') =>
  values[flag] === undefined ? undefined : wholeNumberFlag(USAGE, flag, values[flag], 1, 1_000_000);
const access = stageApiAccess(values.stage, readLocalServicesSettings().stateDir, {
  rateLimit: optionalWholeNumber('api-rate'),
  burstLimit: optionalWholeNumber('api-burst'),
});

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
  access,
});
console.log(
  `ingest-http API on ${api.url} (POST /v1/users, DELETE /v1/users/{id}, GET /v1/health, GET /v1/openapi.json; up to ${concurrency} containers) → Kafka topic ${topic}; ${describeApiAccess(access)} (stage ${values.stage})`,
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
