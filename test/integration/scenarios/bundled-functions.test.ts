/**
 * Every project function as Lambda runs it: the bundle CDK built for the dev stage (its asset, the
 * project's esbuild settings of lib/constructs/shared/pipeline-function.ts), loaded by Node 24 with the
 * function's environment from the synthesized template (NODE_OPTIONS included) and invoked once with a real
 * event against the local services. Nothing may reach stderr: in Lambda that is noise in every log stream.
 *
 * Only the connection settings are replaced, since the AWS endpoints do not exist here: MSK (IAM) → the local
 * Kafka without auth, RDS Proxy + secret → the local PostgreSQL and the role's local password, Keyspaces (SigV4,
 * TLS) → the local Cassandra, randomuser.me → the local source, Lambda's CA bundle path (absent here) dropped.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCassandraSchema } from '../../../lambdas/shared/schema/cassandra/index.js';
import { READER_ROLE, WRITER_ROLE } from '../../../lambdas/shared/schema/postgres/roles.js';
import { startRandomUserServer } from '../../../local/randomuser/server.js';
import { toApiGatewayProxyEvent } from '../../../local/runtime/http-api-event.js';
import { ensureTopics } from '../../../local/runtime/kafka-topics.js';
import { stageSignupDayLayout } from '../../../local/runtime/local-mapping.js';
import { readerFunctionEnvironment, roleLogin } from '../../../local/services/config.js';
import { repoRoot } from '../../../tools/repo-root.js';
import {
  cleanUpSyntheses,
  resourcesOfType,
  type SynthesizedStage,
  synthStage,
} from '../../infra/support/pipeline-fixture.js';
import {
  adminPostgresPool,
  cassandraClient,
  kafkaClient,
  services,
  uniqueName,
} from '../../support/local-services.js';
import { mskEventOf } from '../../support/msk-fixtures.js';
import { userPayload } from '../../support/user-events.js';

const OUT = join(repoRoot, '.cache', 'bundled-functions');
const topic = uniqueName('bundled_fn');
const failureTopic = uniqueName('bundled_fn_failed');
// A keyspace of its own, with dev's day-table layout, as `npm start --stage dev` would create it: nothing else
// in the run is relied on to have created one.
const keyspace = uniqueName('bundled_fn');
const user = userPayload(1);
let stage: SynthesizedStage;
let randomUserUrl: string;
let closeRandomUser: () => Promise<void>;
let admin: pg.Pool;

interface ProjectFunction {
  readonly service: string;
  readonly bundle: string;
  readonly environment: Record<string, string>;
}

/** The connection settings of this machine, by the variable the template sets. */
function localConnection(name: string, value: unknown, env: Record<string, unknown>): Record<string, string> {
  const pgLogin = (role: unknown): Record<string, string> =>
    role === READER_ROLE
      ? readerFunctionEnvironment(services)
      : role === WRITER_ROLE
        ? { PGUSER: WRITER_ROLE, PGPASSWORD: roleLogin(services, WRITER_ROLE).password }
        : { PGUSER: services.postgres.admin.user, PGPASSWORD: services.postgres.admin.password };
  switch (name) {
    case 'MSK_CLUSTER_ARN':
      return { KAFKA_BROKERS: services.kafka.brokers };
    case 'KAFKA_AUTH':
      return { KAFKA_AUTH: 'none' };
    case 'KAFKA_TOPIC':
      return { KAFKA_TOPIC: topic };
    case 'FAILURE_TOPIC':
      return { FAILURE_TOPIC: failureTopic };
    case 'PGHOST':
      return { PGHOST: services.postgres.host };
    case 'PGPORT':
      return { PGPORT: String(services.postgres.port) };
    case 'PGUSER':
      return pgLogin(value);
    case 'PGSSL':
      return { PGSSL: 'false' };
    case 'PG_SECRET_ARN':
    case 'PG_ROLE_SECRET_ARNS':
    case 'NODE_EXTRA_CA_CERTS':
      return {};
    case 'CASSANDRA_AUTH':
      return {
        CASSANDRA_AUTH: 'none',
        CASSANDRA_TLS: 'false',
        CASSANDRA_LOCAL_DC: services.cassandra.localDataCenter,
      };
    case 'CASSANDRA_CONTACT_POINTS':
      return { CASSANDRA_CONTACT_POINTS: services.cassandra.host };
    case 'CASSANDRA_PORT':
      return { CASSANDRA_PORT: String(services.cassandra.port) };
    case 'CASSANDRA_TLS':
      return {};
    case 'CASSANDRA_KEYSPACE':
      return { CASSANDRA_KEYSPACE: keyspace };
    case 'RANDOMUSER_BASE_URL':
      return { RANDOMUSER_BASE_URL: randomUserUrl };
    default:
      if (typeof value !== 'string')
        throw new Error(`${name} is a CloudFormation token with no local value: ${JSON.stringify(env)}`);
      return { [name]: value };
  }
}

let functions: ProjectFunction[] | undefined;

/** Each project function of the dev template: its bundle (copied next to node_modules) and environment. */
function projectFunctions(): ProjectFunction[] {
  functions ??= readProjectFunctions();
  return functions;
}

function readProjectFunctions(): ProjectFunction[] {
  return resourcesOfType(stage, 'AWS::Lambda::Function').flatMap(([, fn]) => {
    const props = fn.Properties ?? {};
    const variables =
      (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    const service = variables.POWERTOOLS_SERVICE_NAME;
    if (typeof service !== 'string') return [];
    const hash = String((props.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
    // The runtime provides @aws-sdk/*, which the bundle leaves external: resolve it from the repo's node_modules.
    const bundle = join(OUT, service);
    rmSync(bundle, { recursive: true, force: true });
    cpSync(join(stage.outdir, `asset.${hash}`), bundle, { recursive: true });
    const environment = Object.assign(
      {},
      ...Object.entries(variables).map(([name, value]) => localConnection(name, value, variables)),
    ) as Record<string, string>;
    return [{ service, bundle, environment }];
  });
}

/** What Lambda's nodejs24.x runtime sets for every function. */
function runtimeEnvironment(service: string): Record<string, string> {
  return {
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: `Pipeline-dev-${service}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    LAMBDA_TASK_ROOT: '/var/task',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: '/usr/local/bin:/usr/bin:/bin',
  };
}

const RUNNER = `
import { pathToFileURL } from 'node:url';
const [bundle, event, name] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(bundle + '/index.mjs').href);
const context = { functionName: name, awsRequestId: 'bundled-test', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:' + name,
  functionVersion: '$LATEST', memoryLimitInMB: '256', getRemainingTimeInMillis: () => 60000, callbackWaitsForEmptyEventLoop: true };
const result = await handler(JSON.parse(event), context);
process.stdout.write('\\nRESULT ' + JSON.stringify(result) + '\\n');
process.exit(0);
`;

function invokeBundle(fn: ProjectFunction, event: unknown) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; result: unknown }>(
    (resolve, reject) => {
      const child = spawn(
        process.execPath,
        [join(OUT, 'run-handler.mjs'), fn.bundle, JSON.stringify(event), fn.service],
        {
          env: { ...runtimeEnvironment(fn.service), ...fn.environment },
          cwd: fn.bundle,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.once('error', reject);
      child.once('close', (code) => {
        const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
        resolve({ code, stdout, stderr, result: line ? JSON.parse(line.slice(7)) : undefined });
      });
    },
  );
}

/** A realistic event per function, and what its result must show. */
const EVENTS: Record<string, { event: () => unknown; expect: (result: unknown) => void }> = {
  'ingest-http': {
    event: () =>
      toApiGatewayProxyEvent(
        {
          method: 'POST',
          url: '/v1/users',
          rawHeaders: ['content-type', 'application/json'],
          body: Buffer.from(JSON.stringify({ users: [user] })),
          sourceIp: '127.0.0.1',
          localPort: 443,
          receivedAt: new Date(),
        },
        { stage: 'dev', resources: ['/v1/users'], binaryMediaTypes: [] },
      ),
    expect: (result) => expect(result).toMatchObject({ statusCode: 202 }),
  },
  'ingest-pull': {
    event: () => ({ count: 2 }),
    expect: (result) => expect(result).toMatchObject({ produced: 2 }),
  },
  processor: {
    event: () =>
      mskEventOf([
        {
          topic,
          offset: 0,
          key: user.id,
          value: {
            event_id: randomUUID(),
            event_type: 'user.created',
            schema_version: 2,
            source: 'ingest-http',
            occurred_at: new Date().toISOString(),
            ingested_at: new Date().toISOString(),
            payload: user,
          },
          headers: { schema_version: '2' },
        },
      ]),
    expect: (result) => expect(result).toMatchObject({ received: 1, valid: 1 }),
  },
  'replay-failed-batches': {
    event: () => ({ dryRun: true }),
    expect: (result) => expect(result).toMatchObject({ dryRun: true }),
  },
  verification: {
    event: () => ({ action: 'read-users', userIds: [user.id] }),
    expect: (result) =>
      expect(result).toEqual({
        stores: [
          { store: 'postgres', found: [user.id] },
          { store: 'cassandra', found: [user.id] },
        ],
      }),
  },
  migrations: {
    event: () => ({
      RequestType: 'Update',
      PhysicalResourceId: 'postgres-schema-migrations',
      ResourceProperties: {},
    }),
    expect: (result) => expect(result).toMatchObject({ PhysicalResourceId: 'postgres-schema-migrations' }),
  },
};

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'run-handler.mjs'), RUNNER);
  stage = synthStage('dev');
  const source = await startRandomUserServer({ port: 0 });
  randomUserUrl = source.url;
  closeRandomUser = () => source.close();
  await ensureTopics(kafkaClient('bundled-functions'), [
    { topic, numPartitions: 1 },
    { topic: failureTopic, numPartitions: 1 },
  ]);
  admin = adminPostgresPool();
  const cassandra = cassandraClient();
  await applyCassandraSchema(cassandra, { keyspace, signupDay: stageSignupDayLayout('dev') }).finally(() =>
    cassandra.shutdown(),
  );
}, 300_000);

afterAll(async () => {
  await admin?.query('delete from users where user_id = $1', [user.id]);
  const cassandra = cassandraClient();
  await cassandra.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
  await cassandra.shutdown();
  await admin?.end();
  await closeRandomUser?.();
  cleanUpSyntheses();
  rmSync(OUT, { recursive: true, force: true });
});

describe('bundled functions on Node 24 with the dev stage’s environment', () => {
  it('runs on Node 24, as nodejs24.x', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
  });

  it('covers every project function of the template', () => {
    expect(
      projectFunctions()
        .map((f) => f.service)
        .sort(),
    ).toEqual(Object.keys(EVENTS).sort());
  });

  // In the order the data flows: the processor writes the user the verification function then reads.
  it.each(['migrations', 'ingest-http', 'ingest-pull', 'processor', 'replay-failed-batches', 'verification'])(
    '%s: handles its event and writes nothing to stderr',
    async (service) => {
      const fn = projectFunctions().find((f) => f.service === service);
      expect(fn, service).toBeDefined();
      const spec = EVENTS[service];
      const run = await invokeBundle(fn as ProjectFunction, spec?.event());
      expect(run.code, run.stderr || run.stdout.slice(-2000)).toBe(0);
      spec?.expect(run.result);
      expect(run.stderr).toBe('');
    },
  );
});
