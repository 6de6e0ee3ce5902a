import { Client as CassandraClient } from 'cassandra-driver';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { applyCassandraSchema, type SignupDayLayout } from '../../lambdas/shared/schema/cassandra/index.js';
import { runMigrations } from '../../lambdas/shared/schema/postgres/migrate.js';
import { enableRoleLogins } from '../../lambdas/shared/schema/postgres/roles.js';
import { adminConnection, type LocalServicesSettings } from '../services/config.js';
import { ensureTopics } from './kafka-topics.js';
import { localSignupDayLayout } from './local-mapping.js';
import { localKeyspaceTables, localRetention } from './local-retention.js';

export interface PipelineResources {
  readonly topic: string;
  /** @default 3 */
  readonly partitions?: number;
  /** @default 'pipeline' */
  readonly keyspace?: string;
  /** The day tables' layout: the legacy table is created too while a stage upgrades. @default the local stage's */
  readonly signupDay?: SignupDayLayout;
  /** The mapping's failure topic: same partitions, its own retention. @default - none */
  readonly failureTopic?: { readonly name: string; readonly retentionHours: number };
}

/**
 * What `cdk deploy` does in AWS, done against the local services: the topic, the PostgreSQL migrations (the
 * same runner the deploy-time custom resource uses, as the administrator, the master user's local
 * counterpart; then the application roles' logins) and the Cassandra keyspace and tables from the one schema
 * definition, with the local stage's default TTL on the user tables. Idempotent.
 */
export async function preparePipeline(
  kafka: Kafka,
  settings: LocalServicesSettings,
  resources: PipelineResources,
  log: (message: string) => void = () => {},
): Promise<void> {
  const partitions = resources.partitions ?? 3;
  const failure = resources.failureTopic;
  const created = await ensureTopics(kafka, [
    { topic: resources.topic, numPartitions: partitions },
    ...(failure
      ? [
          {
            topic: failure.name,
            numPartitions: partitions,
            config: { 'retention.ms': String(failure.retentionHours * 3_600_000) },
          },
        ]
      : []),
  ]);
  log(created.length > 0 ? `created topics ${created.join(', ')}` : `topics exist`);

  const migrationsClient = new pg.Client(adminConnection(settings));
  await migrationsClient.connect();
  try {
    const result = await runMigrations(migrationsClient);
    log(`PostgreSQL migrations: ${result.applied.length} applied, ${result.skipped.length} already applied`);
    await enableRoleLogins(migrationsClient, settings.postgres.roleLogins);
  } finally {
    await migrationsClient.end();
  }

  const cassandra = new CassandraClient({
    contactPoints: [settings.cassandra.host],
    protocolOptions: { port: settings.cassandra.port },
    localDataCenter: settings.cassandra.localDataCenter,
  });
  await cassandra.connect();
  try {
    await applyCassandraSchema(cassandra, {
      keyspace: resources.keyspace ?? 'pipeline',
      tables: localKeyspaceTables(localRetention(), resources.signupDay ?? localSignupDayLayout()),
    });
    log(`Cassandra keyspace ${resources.keyspace ?? 'pipeline'} and tables ready`);
  } finally {
    await cassandra.shutdown();
  }
}
