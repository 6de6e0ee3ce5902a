/**
 * applyTopic's decisions, against an admin stand-in that holds one topic's state and records each request.
 * (test/integration/custom-resources.test.ts runs the same code on the real Kafka.)
 */
import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { applyTopic } from '../../../lambdas/topics/apply-topic.js';
import {
  InvalidTopicPropertiesError,
  type TopicProperties,
} from '../../../lambdas/topics/topic-properties.js';

interface TopicState {
  partitions: number;
  replicas: number;
  /** Configs set on the topic (ConfigSource.TOPIC_CONFIG). */
  configs: Record<string, string>;
}

function standInAdmin(topic?: TopicState) {
  const requests: { call: string; args: unknown }[] = [];
  const admin = {
    listTopics: async () => (topic ? ['users_created'] : []),
    createTopics: async (args: unknown) => void requests.push({ call: 'createTopics', args }),
    fetchTopicMetadata: async () => ({
      topics: [
        {
          name: 'users_created',
          partitions: Array.from({ length: topic?.partitions ?? 0 }, (_, i) => ({
            partitionId: i,
            replicas: Array.from({ length: topic?.replicas ?? 0 }, (_, r) => r),
          })),
        },
      ],
    }),
    createPartitions: async (args: unknown) => void requests.push({ call: 'createPartitions', args }),
    describeConfigs: async () => ({
      resources: [
        {
          configEntries: [
            ...Object.entries(topic?.configs ?? {}).map(([configName, configValue]) => ({
              configName,
              configValue,
              configSource: 1,
            })),
            // Inherited from the broker: never restated on the topic.
            { configName: 'min.insync.replicas', configValue: '1', configSource: 4 },
          ],
        },
      ],
    }),
    alterConfigs: async (args: unknown) => void requests.push({ call: 'alterConfigs', args }),
  } as unknown as Admin;
  return { admin, requests };
}

const properties = (overrides: Partial<TopicProperties> = {}): TopicProperties => ({
  TopicName: 'users_created',
  NumPartitions: 3,
  ReplicationFactor: 3,
  Config: { 'retention.ms': '604800000' },
  ...overrides,
});

/** The config entries of each AlterConfigs request, by name (the order Kafka receives them in is irrelevant). */
const alteredConfigs = (requests: { call: string; args: unknown }[]) =>
  requests
    .filter((r) => r.call === 'alterConfigs')
    .map((r) =>
      [
        ...((r.args as { resources: { configEntries: { name: string; value: string }[] }[] }).resources[0]
          ?.configEntries ?? []),
      ].sort((a, b) => a.name.localeCompare(b.name)),
    );

describe('applyTopic', () => {
  it('creates a missing topic with its partitions, replication and configs', async () => {
    const { admin, requests } = standInAdmin();
    expect(await applyTopic(admin, properties())).toEqual({
      created: true,
      partitionsAdded: 0,
      configsChanged: false,
    });
    expect(requests).toEqual([
      {
        call: 'createTopics',
        args: {
          waitForLeaders: true,
          topics: [
            {
              topic: 'users_created',
              numPartitions: 3,
              replicationFactor: 3,
              configEntries: [{ name: 'retention.ms', value: '604800000' }],
            },
          ],
        },
      },
    ]);
  });

  it('adds partitions and restates the configs set on the topic along with the new ones', async () => {
    const { admin, requests } = standInAdmin({
      partitions: 2,
      replicas: 3,
      configs: { 'retention.ms': '3600000', 'max.message.bytes': '2097152' },
    });
    const change = await applyTopic(admin, properties(), properties({ NumPartitions: 2 }));
    expect(change).toEqual({ created: false, partitionsAdded: 1, configsChanged: true });
    expect(requests[0]).toEqual({
      call: 'createPartitions',
      args: { topicPartitions: [{ topic: 'users_created', count: 3 }] },
    });
    expect(requests[1]).toMatchObject({
      call: 'alterConfigs',
      args: { validateOnly: false, resources: [{ type: 2, name: 'users_created' }] },
    });
    expect(alteredConfigs(requests)).toEqual([
      [
        { name: 'max.message.bytes', value: '2097152' },
        { name: 'retention.ms', value: '604800000' },
      ],
    ]);
  });

  it('resets a key the properties no longer list, keeping keys set by hand', async () => {
    const { admin, requests } = standInAdmin({
      partitions: 3,
      replicas: 3,
      configs: { 'retention.ms': '604800000', 'cleanup.policy': 'compact', 'max.message.bytes': '2097152' },
    });
    const previous = properties({ Config: { 'retention.ms': '604800000', 'cleanup.policy': 'compact' } });
    await applyTopic(admin, properties(), previous);
    expect(alteredConfigs(requests)).toEqual([
      [
        { name: 'max.message.bytes', value: '2097152' },
        { name: 'retention.ms', value: '604800000' },
      ],
    ]);
  });

  it('sends nothing when the topic already matches', async () => {
    const { admin, requests } = standInAdmin({
      partitions: 3,
      replicas: 3,
      configs: { 'retention.ms': '604800000' },
    });
    expect(await applyTopic(admin, properties(), properties())).toEqual({
      created: false,
      partitionsAdded: 0,
      configsChanged: false,
    });
    expect(requests).toEqual([]);
  });

  it.each([
    [
      'a rename',
      { partitions: 3, replicas: 3 },
      properties({ TopicName: 'users_created_v2' }),
      properties(),
      'renaming topic users_created to users_created_v2 is not supported: create a new resource',
    ],
    [
      'fewer partitions',
      { partitions: 6, replicas: 3 },
      properties(),
      properties(),
      'topic users_created has 6 partitions; Kafka cannot reduce them to 3',
    ],
    [
      'another replication factor',
      { partitions: 3, replicas: 2 },
      properties(),
      properties(),
      'topic users_created has replication factor 2; changing it to 3 needs a partition reassignment',
    ],
  ])('refuses %s, explaining why, and changes nothing', async (_label, state, wanted, previous, message) => {
    const { admin, requests } = standInAdmin({ ...state, configs: {} });
    const attempt = applyTopic(admin, wanted, previous);
    await expect(attempt).rejects.toBeInstanceOf(InvalidTopicPropertiesError);
    await expect(attempt).rejects.toThrow(message);
    expect(requests).toEqual([]);
  });
});
