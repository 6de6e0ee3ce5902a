/**
 * Runs the processor over a topic until it has consumed everything, for the DAG tests that need a processor
 * between two DAG steps (the rolling-upgrade test):
 *
 *   npx tsx local/airflow/process-topic.ts --topic T --group G --pg-schema S --keyspace K [--schema-versions 1]
 *
 * The local MSK bridge (ESM-shaped events, commits after success) invokes processMskEvent with the real sinks,
 * PostgreSQL with search_path set to the schema and Cassandra in the keyspace. `--schema-versions` narrows the
 * versions the processor accepts, so the same code plays the previous release (which knew only v1).
 * Connection settings: those of `npm run services -- env`; PostgreSQL as pipeline_writer. Prints one
 * JSON line: invocations, records, failed invocations.
 */
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { processMskEvent } from '../../lambdas/processor/process-batch.js';
import { sinksOn } from '../../lambdas/processor/sinks/index.js';
import { readCassandraConnectionConfig } from '../../lambdas/shared/clients/cassandra.js';
import { readPostgresConnectionConfig } from '../../lambdas/shared/clients/postgres.js';
import { type StructuredLogger, silentLogger } from '../../lambdas/shared/logger.js';
import { CliUsageError, exitWithUsage, parseCli } from '../../tools/cli/args.js';
import { localMappingSettings, localSignupDayLayout } from '../runtime/local-mapping.js';
import { MskBridge } from '../runtime/msk-bridge.js';
import { localCassandraClient, processorPostgresSettings } from './store-settings.js';

const IDENTIFIER = /^[a-z][a-z0-9_]{1,47}$/;
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const USAGE =
  'usage: npx tsx local/airflow/process-topic.ts --topic T --group G --pg-schema S --keyspace K [--schema-versions 1,2]';

const { values } = parseCli({
  usage: USAGE,
  options: {
    topic: { type: 'string' },
    group: { type: 'string' },
    'pg-schema': { type: 'string' },
    keyspace: { type: 'string' },
    'schema-versions': { type: 'string' },
  },
});

function option(name: 'topic' | 'group' | 'pg-schema' | 'keyspace', pattern: RegExp): string {
  const value = values[name];
  if (value === undefined || !pattern.test(value)) throw new CliUsageError(`--${name} must match ${pattern}`);
  return value;
}

function schemaVersions(): number[] | undefined {
  const raw = values['schema-versions'];
  if (raw === undefined) return undefined;
  const versions = raw.split(',').map(Number);
  if (versions.length === 0 || !versions.every((v) => Number.isInteger(v) && v >= 1))
    throw new CliUsageError('--schema-versions must be a comma-separated list of versions, e.g. 1,2');
  return versions;
}

/** True once the group's committed offsets have reached the end of every partition. */
async function caughtUp(kafka: Kafka, topic: string, group: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return ends.every((end) => {
      const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      return BigInt(end.high) === 0n || BigInt(at) >= BigInt(end.high);
    });
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  const topic = option('topic', TOPIC);
  const group = option('group', TOPIC);
  const pgSchema = option('pg-schema', IDENTIFIER);
  const keyspace = option('keyspace', IDENTIFIER);
  const supportedSchemaVersions = schemaVersions();

  // The processor's role, as the processor Lambda logs in.
  const pool = new pg.Pool(processorPostgresSettings(pgSchema));
  const cassandra = localCassandraClient();
  await cassandra.connect();
  const kafka = new Kafka({
    clientId: 'process-topic',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const quiet: StructuredLogger = { ...silentLogger, error: (m, ...a) => console.error(m, ...a) };
  // The sinks on this tool's own clients; their settings as the processor reads them, in this keyspace.
  const sinks = sinksOn({
    postgres: { client: pool, settings: readPostgresConnectionConfig(process.env) },
    cassandra: {
      client: cassandra,
      settings: {
        connection: { ...readCassandraConnectionConfig(process.env), keyspace },
        signupDay: localSignupDayLayout(),
      },
    },
  });
  const bridge = new MskBridge({
    kafka,
    topic,
    groupId: group,
    // The stage config's batch size; a short window so the test steps do not wait.
    batchSize: localMappingSettings().batchSize,
    batchWindowMs: 100,
    handler: (event) => processMskEvent(event, { sinks, logger: quiet, supportedSchemaVersions }),
    log: (message, detail) => console.error(message, detail ?? ''),
  });
  try {
    await bridge.start();
    const deadline = Date.now() + 120_000;
    while (!(await caughtUp(kafka, topic, group))) {
      if (Date.now() > deadline) throw new Error(`the processor did not catch up with ${topic} in 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await bridge.stop();
    await Promise.allSettled([pool.end(), cassandra.shutdown()]);
  }
  console.log(JSON.stringify(bridge.stats));
}

main().catch((error: unknown) => {
  if (error instanceof CliUsageError) exitWithUsage(USAGE, error.message);
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
