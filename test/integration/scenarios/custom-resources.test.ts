import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrationsFunctionEnvironment } from '../../../local/services/config.js';
import { adminPostgresPool, kafkaClient, services, uniqueName } from '../../support/local-services.js';

// The deploy-time custom resources, run against the real local Kafka and PostgreSQL with events shaped as
// CloudFormation (through the CDK Provider framework) sends them.
function cfnEvent(
  requestType: 'Create' | 'Update' | 'Delete',
  properties: Record<string, unknown>,
  oldProperties?: Record<string, unknown>,
): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    ResponseURL: 'https://cloudformation-custom-resource-response.example/',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Pipeline-dev/1',
    RequestId: uniqueName('request'),
    LogicalResourceId: 'Resource',
    ResourceType: 'Custom::Resource',
    ResourceProperties: { ServiceToken: 'token', ...properties },
  };
  if (requestType === 'Create') return { ...base, RequestType: 'Create' };
  const withId = { ...base, PhysicalResourceId: 'existing' };
  if (requestType === 'Delete') return { ...withId, RequestType: 'Delete' };
  return {
    ...withId,
    RequestType: 'Update',
    OldResourceProperties: { ServiceToken: 'token', ...oldProperties },
  };
}

describe('topics custom resource on real Kafka', () => {
  const topic = uniqueName('cr_topic');
  const admin = kafkaClient('custom-resources-test').admin();
  let handler: (event: CloudFormationCustomResourceEvent) => Promise<{ PhysicalResourceId: string }>;
  const props = (partitions: number) => ({
    TopicName: topic,
    NumPartitions: String(partitions),
    ReplicationFactor: '1',
    Config: { 'retention.ms': '3600000', 'min.insync.replicas': '1' },
  });

  beforeAll(async () => {
    process.env.KAFKA_BROKERS = services.kafka.brokers;
    ({ handler } = await import('../../../lambdas/topics/handler.js'));
    await admin.connect();
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  const partitionCount = async () =>
    (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length ?? 0;

  it('creates the topic with its partitions and configs', async () => {
    const response = await handler(cfnEvent('Create', props(2)));
    expect(response.PhysicalResourceId).toBe(`kafka-topic:${topic}`);
    expect(await partitionCount()).toBe(2);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: topic, configNames: ['retention.ms'] }],
    });
    expect(configs.resources[0]?.configEntries[0]?.configValue).toBe('3600000');
  });

  it('adds partitions on update and is idempotent', async () => {
    await handler(cfnEvent('Update', props(4), props(2)));
    await handler(cfnEvent('Update', props(4), props(4)));
    expect(await partitionCount()).toBe(4);
  });

  it('an update to the count the topic already has succeeds and changes nothing', async () => {
    // As a CloudFormation retry of the update above would send it: old properties still say 2.
    await handler(cfnEvent('Update', props(4), props(2)));
    expect(await partitionCount()).toBe(4);
  });

  it('two updates at once (a retry racing the first): both succeed, the topic has the count once', async () => {
    const racing = uniqueName('cr_topic_race');
    const raceProps = (partitions: number) => ({ ...props(partitions), TopicName: racing });
    try {
      await handler(cfnEvent('Create', raceProps(2)));
      // Both read 2 partitions; one CreatePartitions wins, the other is told the topic already has 6.
      const answers = await Promise.allSettled([
        handler(cfnEvent('Update', raceProps(6), raceProps(2))),
        handler(cfnEvent('Update', raceProps(6), raceProps(2))),
      ]);
      expect(answers.map((a) => (a.status === 'rejected' ? String(a.reason) : a.status))).toEqual([
        'fulfilled',
        'fulfilled',
      ]);
      const metadata = await admin.fetchTopicMetadata({ topics: [racing] });
      expect(metadata.topics[0]?.partitions.length).toBe(6);
    } finally {
      await admin.deleteTopics({ topics: [racing] }).catch(() => {});
    }
  });

  /** The configs set on the topic itself (ConfigSource.TOPIC_CONFIG), not inherited broker defaults. */
  const topicConfigs = async () => {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: topic }],
    });
    return Object.fromEntries(
      (described.resources[0]?.configEntries ?? [])
        .filter((entry) => entry.configSource === 1)
        .map((entry) => [entry.configName, entry.configValue]),
    );
  };

  it('an update keeps configs set by hand and resets only what the properties dropped', async () => {
    // Set by hand, as an operator would (AlterConfigs replaces the whole set, so the others are restated).
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: 2,
          name: topic,
          configEntries: [
            { name: 'retention.ms', value: '3600000' },
            { name: 'min.insync.replicas', value: '1' },
            { name: 'max.message.bytes', value: '123456' },
          ],
        },
      ],
    });
    // The handler merges the configs it reads, and a broker describes an AlterConfigs only once the change has
    // reached it from the controller: the operator's change is visible before the next deploy reads it.
    await vi.waitFor(
      async () => expect(await topicConfigs()).toMatchObject({ 'max.message.bytes': '123456' }),
      { timeout: 15_000, interval: 200 },
    );
    const changed = { ...props(4), Config: { 'retention.ms': '7200000' } };
    await handler(cfnEvent('Update', changed, props(4)));
    expect(await topicConfigs()).toEqual({ 'retention.ms': '7200000', 'max.message.bytes': '123456' });
    // Restoring the properties sets min.insync.replicas again and still keeps the hand-set key.
    await handler(cfnEvent('Update', props(4), changed));
    expect(await topicConfigs()).toEqual({
      'retention.ms': '3600000',
      'min.insync.replicas': '1',
      'max.message.bytes': '123456',
    });
  });

  it('refuses to shrink partitions, naming the topic and counts', async () => {
    await expect(handler(cfnEvent('Update', props(1), props(4)))).rejects.toThrow(
      /has 4 partitions; Kafka cannot reduce them to 1/,
    );
  });

  it('rejects invalid properties with a message naming the property', async () => {
    await expect(handler(cfnEvent('Create', { ...props(2), NumPartitions: 'lots' }))).rejects.toThrow(
      /NumPartitions/,
    );
  });

  it('keeps the topic, its partitions and configs on delete', async () => {
    await handler(cfnEvent('Delete', props(4)));
    expect(await admin.listTopics()).toContain(topic);
    expect(await partitionCount()).toBe(4);
    expect(await topicConfigs()).toMatchObject({ 'retention.ms': '3600000' });
  });
});

describe('migrations custom resource on real PostgreSQL', () => {
  // The migrations function's own environment, as CDK gives it: PGUSER is the master user (locally the
  // administrator), not the processor's role the rest of this process runs with.
  beforeAll(() => {
    for (const [name, value] of Object.entries(migrationsFunctionEnvironment(services)))
      vi.stubEnv(name, value);
  });
  afterAll(() => vi.unstubAllEnvs());

  it('applies the migrations on create and applies nothing more on update; delete drops nothing', async () => {
    const { handler } = await import('../../../lambdas/migrations/handler.js');
    const created = await handler(cfnEvent('Create', {}));
    expect(created.Data?.LatestVersion).toBeGreaterThanOrEqual(2);
    const updated = await handler(cfnEvent('Update', {}, {}));
    expect(updated.Data?.Applied).toBe(0);
    expect(updated.Data?.Skipped).toBe(created.Data ? created.Data.Applied + created.Data.Skipped : -1);
    // Delete drops nothing: the tables and the migration history are all still there afterwards.
    const pool = adminPostgresPool();
    const tables = ['users', 'dead_letters', 'schema_migrations'];
    const presentTables = async () =>
      (
        await pool.query<{ name: string }>(
          'SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NOT NULL',
          [tables],
        )
      ).rows.map((row) => row.name);
    const historyLength = async () =>
      (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations')).rows[0]?.n;
    try {
      const historyBefore = await historyLength();
      const deleted = await handler(cfnEvent('Delete', {}));
      expect(deleted.PhysicalResourceId).toBe('existing');
      expect(await presentTables()).toEqual(tables);
      expect(await historyLength()).toBe(historyBefore);
      expect(historyBefore).toBeGreaterThanOrEqual(created.Data?.LatestVersion ?? Number.POSITIVE_INFINITY);
    } finally {
      await pool.end();
    }
  });
});
