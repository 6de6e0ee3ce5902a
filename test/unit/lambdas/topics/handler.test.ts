/**
 * The topics custom resource in AWS: the brokers come from the MSK cluster (GetBootstrapBrokers), the client
 * uses IAM over TLS, and the admin connection is closed whatever happens. kafkajs and the MSK lookup are
 * stand-ins that record; test/integration/scenarios/custom-resources.test.ts runs the handler on the real Kafka.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { KafkaConfig } from 'kafkajs';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const kafka = vi.hoisted(() => ({
  configs: [] as KafkaConfig[],
  calls: [] as string[],
  topics: [] as string[],
  /** The metadata request fails (the update case); otherwise it shows 3 partitions with leaders. */
  metadataFails: false,
  resolved: [] as { clusterArn: string; region: string }[],
}));

vi.mock('kafkajs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('kafkajs')>();
  class StandInKafka {
    constructor(config: KafkaConfig) {
      kafka.configs.push(config);
    }
    admin() {
      return {
        connect: async () => void kafka.calls.push('connect'),
        disconnect: async () => void kafka.calls.push('disconnect'),
        listTopics: async () => {
          kafka.calls.push('listTopics');
          return kafka.topics;
        },
        // kafkajs resolves true when it created the topic.
        createTopics: async () => kafka.calls.push('createTopics') > 0,
        fetchTopicMetadata: async () => {
          kafka.calls.push('fetchTopicMetadata');
          if (kafka.metadataFails) throw new Error('metadata request timed out');
          const partitions = [0, 1, 2].map((partitionId) => ({
            partitionId,
            leader: 1,
            replicas: [1, 2, 3],
          }));
          return { topics: [{ name: 'users_created', partitions }] };
        },
      };
    }
  }
  return { ...actual, Kafka: StandInKafka };
});

vi.mock('../../../../lambdas/shared/kafka/msk.js', () => ({
  resolveMskBootstrapBrokers: async (clusterArn: string, region: string) => {
    kafka.resolved.push({ clusterArn, region });
    return ['b-1.msk.example:9098', 'b-2.msk.example:9098'];
  },
  generateMskIamToken: async () => 'token',
}));

const CLUSTER =
  'arn:aws:kafka:eu-west-1:123456789012:cluster/pipeline/0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f-2';
const saved = { MSK_CLUSTER_ARN: process.env.MSK_CLUSTER_ARN, KAFKA_BROKERS: process.env.KAFKA_BROKERS };
let handler: typeof import('../../../../lambdas/topics/handler.js').handler;

beforeAll(async () => {
  process.env.MSK_CLUSTER_ARN = CLUSTER;
  delete process.env.KAFKA_BROKERS;
  ({ handler } = await import('../../../../lambdas/topics/handler.js'));
});
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});
beforeEach(() => {
  kafka.configs.length = 0;
  kafka.calls.length = 0;
  kafka.resolved.length = 0;
  kafka.topics = [];
  kafka.metadataFails = false;
});

const properties = {
  ServiceToken: 'token',
  TopicName: 'users_created',
  NumPartitions: '3',
  ReplicationFactor: '3',
};
const base = {
  ServiceToken: 'token',
  ResponseURL: 'https://example.invalid/',
  StackId: 'stack',
  RequestId: 'request',
  LogicalResourceId: 'Topic',
  ResourceType: 'Custom::KafkaTopic',
  ResourceProperties: properties,
};

describe('topics custom resource handler with MSK', () => {
  it('creates the topic through the IAM brokers of the cluster, then disconnects', async () => {
    const response = await handler({ ...base, RequestType: 'Create' } as CloudFormationCustomResourceEvent);
    expect(response).toEqual({
      PhysicalResourceId: 'kafka-topic:users_created',
      Data: { TopicName: 'users_created' },
    });
    expect(kafka.resolved).toEqual([{ clusterArn: CLUSTER, region: 'eu-west-1' }]);
    expect(kafka.configs[0]).toMatchObject({
      brokers: ['b-1.msk.example:9098', 'b-2.msk.example:9098'],
      ssl: true,
      sasl: { mechanism: 'oauthbearer' },
    });
    // The metadata read: the new partitions have their leaders before the resource reports success.
    expect(kafka.calls).toEqual([
      'connect',
      'listTopics',
      'createTopics',
      'fetchTopicMetadata',
      'disconnect',
    ]);
  });

  it('disconnects the admin when applying the topic fails', async () => {
    kafka.topics = ['users_created'];
    kafka.metadataFails = true;
    const update = {
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: 'p',
      OldResourceProperties: properties,
    };
    await expect(handler(update as CloudFormationCustomResourceEvent)).rejects.toThrow(
      'metadata request timed out',
    );
    expect(kafka.calls.at(-1)).toBe('disconnect');
  });

  it('keeps the topic on delete without contacting Kafka', async () => {
    const deleted = { ...base, RequestType: 'Delete', PhysicalResourceId: 'kafka-topic:users_created' };
    expect(await handler(deleted as CloudFormationCustomResourceEvent)).toEqual({
      PhysicalResourceId: 'kafka-topic:users_created',
    });
    expect(kafka.configs).toEqual([]);
    expect(kafka.resolved).toEqual([]);
  });
});
