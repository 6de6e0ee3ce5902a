/**
 * `npm start`: the whole pipeline on this machine, on real Kafka, Cassandra and PostgreSQL.
 *
 *   services (native, or --docker: the compose file) → topic, migrations, CQL
 *   HTTP API  http://127.0.0.1:3000  → the ingest-http Lambda handler (API Gateway events), in up to
 *             --http-concurrency containers (worker threads), one request each at a time, as in Lambda
 *   Lambda Invoke endpoint http://127.0.0.1:3001 → ingest-pull / ingest-http / processor / replay-failed-batches /
 *             verification handlers (for the DAGs and `npm run verify`), and the MSK bridge as an event source
 *             mapping (GetEventSourceMapping)
 *   MSK bridge → the processor Lambda handler (MSK events) → PostgreSQL + Cassandra; batches that exhaust
 *             their retries (bisected) or their age go to the failure topic, as the ESM's KafkaDlq does
 *   --demo (default): a local randomuser.me-compatible source, pulled at a steady rate
 *
 * Batching, failure handling and the day table's buckets come from the dev stage's config (bin/config;
 * --stage prod takes prod's); --batch-size, --batch-window-ms, --retry-attempts and --max-record-age-seconds
 * override them.
 * Ctrl-C (or SIGTERM, or a closed terminal's SIGHUP) closes the servers, drains the bridge, closes every
 * client, then stops only the services this command started, each by its own clean shutdown; a second Ctrl-C
 * forces (SIGKILL). Output that nobody reads any more (`| tee` ended by the same Ctrl-C) does not stop it.
 */
import { spawnSync } from 'node:child_process';
import type { Context } from 'aws-lambda';
import { Client as CassandraClient } from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { loadStageConfig } from '../bin/config/index.js';
import { USERS_CREATED_TOPIC } from '../lambdas/shared/contract/index.js';
import {
  CREATED_USERS_TABLE,
  DEFAULT_KEYSPACE,
  dayTableReads,
  signupDayEnvironment,
} from '../lambdas/shared/schema/cassandra/index.js';
import { exitWithUsage, parseCli, wholeNumberFlag } from '../tools/cli/args.js';
import { repoRoot } from '../tools/repo-root.js';
import type { LocalConsole } from './console/local-console.js';
import { LOCAL_NAMES } from './console/local-definition.js';
import { cassandraEstimates, postgresEstimates } from './console/pipeline-snapshot.js';
import { createLocalConsole, LOCAL_MAPPING_DIMENSIONS, watchFunction } from './console/start-console.js';
import { startRandomUserServer } from './randomuser/server.js';
import {
  callerHeaders,
  describeApiAccess,
  type LocalApiAccess,
  stageApiAccess,
} from './runtime/api-gateway-access.js';
import { keepRunningWhenOutputCloses } from './runtime/closed-output.js';
import { type ApiGatewayProxyHandler, startHttpApi } from './runtime/http-adapter.js';
import { localKafkaLogCreator } from './runtime/kafka-log.js';
import { lagByPartition } from './runtime/kafka-offsets.js';
import { LambdaContainerPool } from './runtime/lambda-container-pool.js';
import { localLambdaContext } from './runtime/lambda-context.js';
import { startLambdaInvokeServer } from './runtime/lambda-invoke-server.js';
import { localEventSourceMapping } from './runtime/local-event-source-mapping.js';
import {
  LOCAL_MAPPING_STAGE,
  LOCAL_PROCESSOR_GROUP,
  LOCAL_REPLAY_GROUP,
  localMappingSettings,
  MIRRORED_STAGES,
  type MirroredStage,
  stageSignupDayLayout,
} from './runtime/local-mapping.js';
import { MskBridge } from './runtime/msk-bridge.js';
import { pushApiDocuments } from './runtime/openapi-document.js';
import { preparePipeline } from './runtime/prepare-pipeline.js';
import {
  adminConnection,
  applyConnectionEnvironment,
  readerFunctionEnvironment,
  readLocalServicesSettings,
} from './services/config.js';
import type { LocalService } from './services/local-service.js';
import {
  bringDown,
  bringUp,
  createLocalServices,
  describeFailure,
  survivingProcesses,
} from './services/service-runner.js';

const USAGE = `usage: npm start -- [options]

Runs the whole pipeline locally (services, HTTP API, Lambda invoke endpoint, MSK bridge → processor).

options:
  --stage dev|prod          the stage whose mapping settings and day-table buckets the mirror runs (default dev)
  --no-demo                 do not pull demo users from the local randomuser.me source
  --demo-rate N             demo users pulled per second, 1-1000 (default 5)
  --docker                  start the services with docker compose instead of natively
  --port N                  HTTP API port, 0 = any free port (default 3000)
  --invoke-port N           Lambda invoke endpoint port, 0 = any free port (default 3001)
  --batch-size N            MSK event source batch size, 1-10000 (default: the stage's, dev 100)
  --batch-window-ms N       MSK batching window in ms, 0-300000 (default: the stage's, dev 1000)
  --retry-attempts N        retries of a failing batch before the failure topic, 0-10000 (default: the stage's, dev 10)
  --max-record-age-seconds S  older records go to the failure topic, 60-604800 (default: the stage's, dev 86400)
  --http-concurrency N      ingest-http containers, 1-256 (default 8)
  --api-rate N              HTTP API throttle, requests/s, 1-1000000 (default: the stage's api.throttleRateLimit, dev 50)
  --api-burst N             HTTP API throttle burst, 1-1000000 (default: the stage's api.throttleBurstLimit, dev 100)
  --console-port N          local console port, 0 = any free port (default 3002)
  --no-console              do not serve the console (the handlers then skip writing EMF)
  --console-period-seconds N  seconds one CloudWatch minute lasts in the console's alarms, 1-60 (default 60);
                            graphs draw 10 s periods, or that minute when shorter
  -h, --help                show this help`;

const { values: args } = parseCli({
  usage: USAGE,
  options: {
    stage: { type: 'string', default: LOCAL_MAPPING_STAGE },
    demo: { type: 'boolean', default: true },
    'no-demo': { type: 'boolean', default: false },
    'demo-rate': { type: 'string', default: '5' },
    docker: { type: 'boolean', default: false },
    port: { type: 'string', default: '3000' },
    'invoke-port': { type: 'string', default: '3001' },
    // Defaults: the stage config's event source mapping settings (local/runtime/local-mapping.ts).
    'batch-size': { type: 'string' },
    'batch-window-ms': { type: 'string' },
    'retry-attempts': { type: 'string' },
    'max-record-age-seconds': { type: 'string' },
    'http-concurrency': { type: 'string', default: '8' },
    // Defaults: the stage config's API throttle (bin/config api.throttleRateLimit / throttleBurstLimit).
    'api-rate': { type: 'string' },
    'api-burst': { type: 'string' },
    'console-port': { type: 'string', default: '3002' },
    'no-console': { type: 'boolean', default: false },
    // Seconds one CloudWatch minute lasts in the console (browser tests shorten it to see alarms turn).
    'console-period-seconds': { type: 'string', default: '60' },
  },
});

/** A flag's whole-number value; a bad one ends the command (usage, exit 2) before anything starts. */
function wholeNumber(flag: keyof typeof args, min: number, max: number): number {
  return wholeNumberFlag(USAGE, flag, args[flag] as string, min, max);
}

const demoRate = wholeNumber('demo-rate', 1, 1_000);
const port = wholeNumber('port', 0, 65_535);
const invokePort = wholeNumber('invoke-port', 0, 65_535);
/** An optional flag's whole-number value; undefined when not given (the stage config's value applies). */
function optionalWholeNumber(flag: keyof typeof args, min: number, max: number): number | undefined {
  return args[flag] === undefined ? undefined : wholeNumber(flag, min, max);
}

if (!(MIRRORED_STAGES as readonly string[]).includes(args.stage as string))
  exitWithUsage(USAGE, `--stage must be ${MIRRORED_STAGES.join(' or ')}, got "${args.stage}"`);
const stage = args.stage as MirroredStage;
/** The stage's day tables: its processor writes them and the console counts them. */
const signupDay = stageSignupDayLayout(stage);

const mapping = localMappingSettings(
  {
    batchSize: optionalWholeNumber('batch-size', 1, 10_000),
    // The ESM's MaximumBatchingWindowInSeconds goes up to 300 s.
    batchWindowMs: optionalWholeNumber('batch-window-ms', 0, 300_000),
    // The ESM's MaximumRetryAttempts (0-10000) and MaximumRecordAgeInSeconds (60-604800).
    retryAttempts: optionalWholeNumber('retry-attempts', 0, 10_000),
    maxRecordAgeSeconds: optionalWholeNumber('max-record-age-seconds', 60, 604_800),
    failureTopic: process.env.KAFKA_FAILURE_TOPIC || undefined,
  },
  loadStageConfig(stage, {}).processor,
);
const httpConcurrency = wholeNumber('http-concurrency', 1, 256);
const apiThrottle = {
  rateLimit: optionalWholeNumber('api-rate', 1, 1_000_000),
  burstLimit: optionalWholeNumber('api-burst', 1, 1_000_000),
};
const failureTopic = mapping.failure.failureTopic;
const demo = args.demo && !args['no-demo'];
const consolePort = wholeNumber('console-port', 0, 65_535);
const consolePeriodSeconds = wholeNumber('console-period-seconds', 1, 60);

/** The MSK bridge's consumer group: its committed offsets are the processor's progress (summary, console). */

const log = (message: string) => console.error(`[start] ${message}`);
const settings = readLocalServicesSettings();
let startedServices: LocalService[] = [];

type Stop = () => Promise<void>;
/**
 * What a stop undoes, phase by phase: first whatever takes in work (the servers, the demo, the summary), then
 * the bridge drains, then every client lets go (the in-process handlers' pools and producers too), so that
 * the services, stopped last, have no client to wait for or to cut off.
 */
const stopPhases: Record<'intake' | 'drain' | 'release', Stop[]> = { intake: [], drain: [], release: [] };

async function main(): Promise<void> {
  await startServices();
  const { localConsole, topic, keyspace } = configureEnvironment();
  const kafka = new Kafka({
    clientId: 'local-start',
    brokers: settings.kafka.brokers.split(','),
    logLevel: logLevel.ERROR,
    logCreator: localKafkaLogCreator(),
  });
  await preparePipeline(
    kafka,
    settings,
    {
      topic,
      keyspace,
      signupDay,
      failureTopic: { name: failureTopic, retentionHours: mapping.failureTopicRetentionHours },
    },
    log,
  );
  const randomUserUrl = await startPullSource();
  const functions = await loadFunctions(localConsole);
  const bridge = await startBridge(kafka, topic, functions.processor, localConsole);
  const api = await startApi(functions.ingestHttp, localConsole);
  const invoke = await startLambdaInvokeServer({
    port: invokePort,
    functions: {
      'ingest-pull': functions.ingestPull as never,
      'ingest-http': functions.ingestHttp as never,
      processor: functions.processor as never,
      'replay-failed-batches': functions.replayFailedBatches as never,
      verification: functions.verification as never,
    },
    eventSourceMappings: () => [
      localEventSourceMapping({
        topic,
        consumerGroupId: LOCAL_PROCESSOR_GROUP,
        mapping,
        consuming: bridge.consuming,
      }),
    ],
  });
  stopPhases.intake.push(() => invoke.close());
  const demoPulls = demo ? startDemo(functions.ingestPull) : { pulled: 0 };

  console.log(`
Pipeline running.
  HTTP API        ${api.url}   (POST /v1/users, DELETE /v1/users/{id}, GET /v1/health, GET /v1/openapi.json; up to ${httpConcurrency} ingest-http containers)
  API access      ${describeApiAccess(api.access)} (stage ${stage})${apiKeyBannerLine(api.access)}
  Lambda invoke   ${invoke.url}   (functions: ingest-pull, ingest-http, processor, replay-failed-batches, verification)
  Kafka topic     ${topic} on ${settings.kafka.brokers}
  Mapping         batch ${mapping.batchSize} / ${mapping.batchWindowMs} ms, ${mapping.failure.retryAttempts} retries (bisecting), max age ${mapping.failure.maxRecordAgeSeconds} s → failure topic ${failureTopic}
  PostgreSQL      ${settings.postgres.host}:${settings.postgres.port}/${settings.postgres.database} (processor as ${process.env.PGUSER}, migrations as ${settings.postgres.admin.user})
  Cassandra       ${settings.cassandra.host}:${settings.cassandra.port} keyspace ${keyspace}; day table ${dayTableReads(signupDay).table.name}, ${signupDay.buckets} buckets (stage ${stage})
  Pull source     ${randomUserUrl}${demo ? ` (demo: ${demoRate} users/s)` : ' (demo off)'}
Try:  curl -s -XPOST ${api.url}/v1/users -H 'content-type: application/json'${curlHeaders(api.access)} -d @local/examples/user.json
      npm run query -- <user id>
Ctrl-C stops.
`);
  await startInspection({ kafka, topic, keyspace, localConsole, bridge, api, demoPulls });
}

/** Kafka, Cassandra and PostgreSQL: natively (only what is not running yet is started, and later stopped). */
async function startServices(): Promise<void> {
  if (args.docker) {
    log('starting the compose services (docker compose -f docker-compose.localstack.yml up -d --wait)');
    const result = spawnSync(
      'docker',
      ['compose', '-f', 'docker-compose.localstack.yml', 'up', '-d', '--wait'],
      { cwd: repoRoot, stdio: 'inherit' },
    );
    if (result.status !== 0)
      throw new Error(
        'docker compose up failed; is a Docker engine running? (npm start runs natively without it)',
      );
    return;
  }
  log('bringing up Kafka, Cassandra and PostgreSQL (Cassandra takes 20-60 s on a cold start)');
  const services = createLocalServices(settings);
  // Known before they start: a Ctrl-C (or a failure) during their start-up stops these too.
  const running = new Set(survivingProcesses(services).map((s) => s.name));
  startedServices = services.filter((s) => !running.has(s.name));
  await bringUp(services, log);
}

/** The handlers read their configuration from the environment, as in Lambda. */
function configureEnvironment() {
  // The processor's PG* variables log in as its role, pipeline_writer (the migrations run as the administrator).
  applyConnectionEnvironment(settings);
  // The stage's day tables for the processor (and the console), whatever the shell exported.
  Object.assign(process.env, signupDayEnvironment(signupDay));
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  // The console reads the handlers' EMF output, as CloudWatch does; without it, they skip writing it.
  const localConsole = args['no-console']
    ? undefined
    : createLocalConsole(consolePeriodSeconds, failureTopic);
  if (localConsole) process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  else process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const topic = process.env.KAFKA_TOPIC || USERS_CREATED_TOPIC;
  process.env.KAFKA_TOPIC = topic;
  return { localConsole, topic, keyspace: process.env.CASSANDRA_KEYSPACE || DEFAULT_KEYSPACE };
}

type Console = LocalConsole | undefined;

/**
 * The pull Lambda (demo pulls, the randomuser_ingest DAG) reads the local randomuser.me-compatible source,
 * never the internet, unless RANDOMUSER_BASE_URL says otherwise.
 */
async function startPullSource(): Promise<string> {
  if (!process.env.RANDOMUSER_BASE_URL) {
    const source = await startRandomUserServer({ port: 0 });
    stopPhases.release.push(() => source.close());
    process.env.RANDOMUSER_BASE_URL = source.url;
  }
  return process.env.RANDOMUSER_BASE_URL;
}

/**
 * The Lambda functions: the processor, ingest-pull and replay-failed-batches in this process (their clients
 * are closed on stop), ingest-http and verification in containers of their own.
 */
async function loadFunctions(localConsole: Console) {
  // Imported only now, after the environment is complete: each handler reads it once at module load.
  // The replay function of the replay_failed_batches DAG reads the failure topic as its own group.
  process.env.FAILURE_TOPIC = failureTopic;
  process.env.REPLAY_GROUP_ID ??= LOCAL_REPLAY_GROUP;
  const [processorModule, processorClients, ingestPullModule, ingestPullClients, replayModule] =
    await Promise.all([
      import('../lambdas/processor/handler.js'),
      import('../lambdas/processor/clients.js'),
      import('../lambdas/ingest-pull/handler.js'),
      import('../lambdas/ingest-pull/clients.js'),
      import('../lambdas/replay-failed-batches/handler.js'),
    ]);
  stopPhases.release.push(processorClients.closeProcessorClients, ingestPullClients.closeIngestPullClients);
  // Concurrent pushes run in separate containers, each with its own producer, as in Lambda.
  const ingestHttpContainers = new LambdaContainerPool({
    handlerModule: new URL('../lambdas/ingest-http/handler.ts', import.meta.url),
    functionName: 'ingest-http',
    maxContainers: httpConcurrency,
  });
  // The verification function `npm run verify` invokes: its own container, logged in as pipeline_reader.
  const verificationContainers = new LambdaContainerPool({
    handlerModule: new URL('../lambdas/verification/handler.ts', import.meta.url),
    functionName: 'verification',
    maxContainers: 1,
    environment: readerFunctionEnvironment(settings),
  });
  stopPhases.release.push(
    () => ingestHttpContainers.close(),
    () => verificationContainers.close(),
  );
  const ingestHttp: ApiGatewayProxyHandler = watchFunction(
    localConsole,
    LOCAL_NAMES.functions.ingestHttp,
    (event, context) => ingestHttpContainers.invoke(event, context),
  );
  return {
    processor: watchFunction(localConsole, LOCAL_NAMES.functions.processor, processorModule.handler),
    ingestPull: watchFunction(localConsole, LOCAL_NAMES.functions.ingestPull, ingestPullModule.handler),
    ingestHttp,
    replayFailedBatches: replayModule.handler,
    verification: (event: unknown, context: Context) => verificationContainers.invoke(event, context),
  };
}

type Functions = Awaited<ReturnType<typeof loadFunctions>>;

/** The MSK bridge: the event source mapping from the topic to the processor. */
async function startBridge(
  kafka: Kafka,
  topic: string,
  processor: Functions['processor'],
  localConsole: Console,
) {
  const bridge = new MskBridge({
    kafka,
    topic,
    groupId: LOCAL_PROCESSOR_GROUP,
    batchSize: mapping.batchSize,
    batchWindowMs: mapping.batchWindowMs,
    failure: mapping.failure,
    handler: processor,
    log: (m, d) => log(`${m} ${JSON.stringify(d ?? {})}`),
    onFailureDestinationDelivered: (records) =>
      localConsole?.services.failureDestinationDelivered(LOCAL_MAPPING_DIMENSIONS, records),
  });
  await bridge.start();
  stopPhases.drain.push(() => bridge.stop());
  return bridge;
}

/**
 * The push API in front of ingest-http, with the stage's caller authentication (an API key of the state
 * directory, or SigV4) and throttle, counting the events it accepted (for the summary).
 */
async function startApi(ingestHttp: ApiGatewayProxyHandler, localConsole: Console) {
  const counts = { accepted: 0 };
  const access = stageApiAccess(stage, settings.stateDir, apiThrottle);
  const api = await startHttpApi({
    port,
    documents: pushApiDocuments(),
    access,
    handler: async (event, context) => {
      const started = performance.now();
      const result = await ingestHttp(event, context);
      localConsole?.services.apiRequest(result.statusCode, performance.now() - started);
      if (result.statusCode === 202)
        counts.accepted += (JSON.parse(result.body) as { accepted?: number }).accepted ?? 0;
      return result;
    },
  });
  stopPhases.intake.push(() => api.close());
  return Object.assign(api, { counts, access });
}

/** The headers that let a caller in, as curl arguments (the key, or the IAM stand-in). */
function curlHeaders(access: LocalApiAccess): string {
  return Object.entries(callerHeaders(access.auth))
    .map(([name, value]) => ` -H '${name}: ${value}'`)
    .join('');
}

/** The key line of the banner (tests and scripts read the key from it, or from the state directory). */
function apiKeyBannerLine(access: LocalApiAccess): string {
  return access.auth.mode === 'apiKey'
    ? `\n  API key         ${access.auth.key}   (x-api-key; also API_KEY in npm run -s services -- env)`
    : '';
}

/**
 * One demo pull a second. The stop waits for the pulls in flight: their producer closes right after, and a
 * pull cut off would end in an error.
 */
function startDemo(ingestPull: Functions['ingestPull']): { readonly pulled: number } {
  const pull = ingestPull as (event: unknown, context: unknown) => Promise<{ produced?: number }>;
  const inFlight = new Set<Promise<void>>();
  const counts = { pulled: 0 };
  const timer = setInterval(() => {
    const pulling = pull({ count: demoRate }, localLambdaContext('ingest-pull'))
      .then((r) => {
        counts.pulled += r.produced ?? 0;
      })
      .catch((error: unknown) =>
        log(`demo pull failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => inFlight.delete(pulling));
    inFlight.add(pulling);
  }, 1_000);
  stopPhases.intake.push(async () => {
    clearInterval(timer);
    await Promise.all(inFlight);
  });
  return counts;
}

/**
 * The console and the 5-second summary line: the operator's view (the administrator, not the pipeline's
 * access), on clients of their own.
 */
async function startInspection(pipeline: {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly keyspace: string;
  readonly localConsole: Console;
  readonly bridge: MskBridge;
  readonly api: { readonly counts: { readonly accepted: number } };
  readonly demoPulls: { readonly pulled: number };
}): Promise<void> {
  const { kafka, topic, keyspace, localConsole, bridge } = pipeline;
  const inspectionPool = new pg.Pool({ ...adminConnection(settings), max: 1 });
  inspectionPool.on('error', () => {}); // a database restart kills idle connections; the next summary reconnects
  const cassandra = new CassandraClient({
    contactPoints: [settings.cassandra.host],
    protocolOptions: { port: settings.cassandra.port },
    localDataCenter: settings.cassandra.localDataCenter,
  });
  const admin = kafka.admin();
  stopPhases.release.push(
    () => inspectionPool.end(),
    () => cassandra.shutdown(),
    () => admin.disconnect(),
  );
  await admin.connect();
  if (localConsole) {
    // Closed with the clients, after the drain: until then it takes the last batches' metrics (EMF) off stdout.
    stopPhases.release.push(() => localConsole.close());
    const sources = {
      admin,
      topic,
      groupId: LOCAL_PROCESSOR_GROUP,
      failureTopic,
      postgres: inspectionPool,
      cassandra,
      keyspace,
    };
    log(`console on ${await localConsole.start(consolePort, sources)}`);
  }
  const summary = setInterval(() => {
    void (async () => {
      // Estimates from the stores' statistics, as the console shows them: a count(*) every 5 s would scan
      // the tables, at a cost growing with them.
      const [postgresSizes, cassandraSizes, lag] = await Promise.all([
        postgresEstimates(inspectionPool),
        cassandraEstimates(cassandra, keyspace, [CREATED_USERS_TABLE.name]),
        lagByPartition(admin, topic, LOCAL_PROCESSOR_GROUP),
      ]);
      const size = (table: string) =>
        [...postgresSizes, ...cassandraSizes].find((c) => c.table === table)?.count ?? 0;
      log(
        `accepted ${pipeline.api.counts.accepted} (http) + ${pipeline.demoPulls.pulled} (pull) | processed ${bridge.stats.records} | ` +
          `failed records ${bridge.stats.failedRecords} | ` +
          `estimates: dead letters ≈${size('dead_letters')}, postgres users ≈${size('users')}, ` +
          `cassandra partitions ≈${size(CREATED_USERS_TABLE.name)} | ` +
          `lag ${lag.reduce((sum, p) => sum + p.lag, 0)}`,
      );
    })().catch((error: unknown) =>
      log(`summary unavailable: ${error instanceof Error ? error.message : String(error)}`),
    );
  }, 5_000);
  stopPhases.intake.push(async () => clearInterval(summary));
}

let stopping: { startedAt: number; done: Promise<never> } | undefined;

/** Runs one stop phase; a step that fails is reported and the stop goes on. */
async function runStopPhase(steps: Stop[]): Promise<void> {
  const outcomes = await Promise.allSettled(steps.splice(0).map((step) => step()));
  for (const outcome of outcomes)
    if (outcome.status === 'rejected') log(`stop step failed: ${String(outcome.reason)}`);
}

/** The stop, once: a later call (main failing because the stop cut its start-up short) joins the first. */
function shutdown(code: number, reason: string): Promise<never> {
  stopping ??= { startedAt: Date.now(), done: stopEverything(code, reason) };
  return stopping.done;
}

async function stopEverything(code: number, reason: string): Promise<never> {
  const startedAt = Date.now();
  const took: string[] = [];
  const timed = async (step: string, run: () => Promise<void>) => {
    const began = Date.now();
    await run();
    took.push(`${step} ${((Date.now() - began) / 1_000).toFixed(1)} s`);
  };
  log(`stopping (${reason}): closing the servers, draining the bridge, closing the clients`);
  await timed('servers', () => runStopPhase(stopPhases.intake));
  await timed('bridge', () => runStopPhase(stopPhases.drain));
  await timed('clients', () => runStopPhase(stopPhases.release));
  if (startedServices.length > 0) {
    log(`stopping the services this command started: ${startedServices.map((s) => s.name).join(', ')}`);
    await timed('services', () => stopServicesCleanly(startedServices));
  }
  log(`stopped in ${((Date.now() - startedAt) / 1_000).toFixed(1)} s (${took.join(', ')})`);
  process.exit(code);
}

/**
 * Each service by its own clean shutdown, however long it takes (Kafka and Cassandra flush, PostgreSQL's fast
 * shutdown checkpoints): never SIGKILL unless a second Ctrl-C asks for it. Says what it is waiting for.
 */
async function stopServicesCleanly(services: readonly LocalService[]): Promise<void> {
  const reminder = setInterval(() => {
    const waiting = survivingProcesses(services).map((s) => s.name);
    if (waiting.length > 0) log(`still waiting for ${waiting.join(', ')} to shut down (Ctrl-C again forces)`);
  }, 10_000);
  try {
    await bringDown(services, log, Number.POSITIVE_INFINITY);
  } finally {
    clearInterval(reminder);
  }
}

/**
 * In a terminal, one Ctrl-C reaches this process several times: from the TTY itself, then relayed by npm.
 * Repeats within a second are that one Ctrl-C; a later one is the user's second Ctrl-C, which forces: SIGKILL
 * to what we started, exit 130. A closed terminal (SIGHUP) stops like Ctrl-C, and never forces.
 */
function onStopSignal(signal: NodeJS.Signals): void {
  if (!stopping) {
    void shutdown(0, signal);
    return;
  }
  // Nobody can ask twice through a closed terminal: a later SIGHUP is that same hang-up, never a forced stop.
  if (signal === 'SIGHUP' || Date.now() - stopping.startedAt < 1_000) return;
  log(`second ${signal}: forcing the stop`);
  void bringDown(startedServices, log, 0).finally(() => process.exit(130));
}

keepRunningWhenOutputCloses();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onStopSignal);
main().catch(async (error: unknown) => {
  // Once a stop is under way, a start-up step it cut short fails as a matter of course.
  if (!stopping) console.error(`[start] ${describeFailure(error)}`);
  await shutdown(1, 'start-up failed');
});
