import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient, services, uniqueName } from '../support/local-services.js';

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
    ({ handler } = await import('../../lambdas/topics/handler.js'));
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

  it('keeps the topic on delete', async () => {
    await handler(cfnEvent('Delete', props(4)));
    expect(await admin.listTopics()).toContain(topic);
  });
});

describe('migrations custom resource on real PostgreSQL', () => {
  it('applies the migrations on create and applies nothing more on update; delete drops nothing', async () => {
    const { handler } = await import('../../lambdas/migrations/handler.js');
    const created = await handler(cfnEvent('Create', {}));
    expect(created.Data?.LatestVersion).toBeGreaterThanOrEqual(2);
    const updated = await handler(cfnEvent('Update', {}, {}));
    expect(updated.Data?.Applied).toBe(0);
    expect(updated.Data?.Skipped).toBe(created.Data ? created.Data.Applied + created.Data.Skipped : -1);
    const deleted = await handler(cfnEvent('Delete', {}));
    expect(deleted.PhysicalResourceId).toBe('existing');
  });
});
