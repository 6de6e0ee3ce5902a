/**
 * applyTopic's decisions, against an admin stand-in that holds one topic's state and records each request.
 * (test/integration/scenarios/custom-resources.test.ts runs the same code on the real Kafka.)
 */
import kafkajs, { type Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { applyTopic } from '../../../../lambdas/topics/apply-topic.js';
import {
  InvalidTopicPropertiesError,
  type TopicProperties,
} from '../../../../lambdas/topics/topic-properties.js';

interface TopicState {
  partitions: number;
  replicas: number;
  /** Configs set on the topic (ConfigSource.TOPIC_CONFIG). */
  configs: Record<string, string>;
}

/**
 * `staleReads`: how many metadata and config reads after a change still answer with the state from before it,
 * as a broker does while the controller's change has not reached it yet.
 */
function standInAdmin(initial?: TopicState, staleReads = 0) {
  const requests: { call: string; args: unknown }[] = [];
  let topic = initial && structuredClone(initial);
  let shown = topic && structuredClone(topic);
  let staleLeft = 0;
  const changed = () => {
    staleLeft = staleReads;
  };
  const read = () => {
    if (staleLeft > 0) staleLeft -= 1;
    else shown = topic && structuredClone(topic);
    return shown;
  };
  const admin = {
    listTopics: async () => (topic ? ['users_created'] : []),
    createTopics: async (args: {
      topics: {
        numPartitions: number;
        replicationFactor: number;
        configEntries: { name: string; value: string }[];
      }[];
    }) => {
      requests.push({ call: 'createTopics', args });
      const [created] = args.topics;
      if (created) {
        topic = {
          partitions: created.numPartitions,
          replicas: created.replicationFactor,
          configs: Object.fromEntries(created.configEntries.map((e) => [e.name, e.value])),
        };
      }
      return true;
    },
    fetchTopicMetadata: async () => ({
      topics: [
        {
          name: 'users_created',
          partitions: Array.from({ length: read()?.partitions ?? 0 }, (_, i) => ({
            partitionId: i,
            leader: 0,
            replicas: Array.from({ length: topic?.replicas ?? 0 }, (_, r) => r),
          })),
        },
      ],
    }),
    createPartitions: async (args: { topicPartitions: { count: number }[] }) => {
      requests.push({ call: 'createPartitions', args });
      const count = args.topicPartitions[0]?.count ?? 0;
      if (topic && count <= topic.partitions) {
        // What Kafka answers when the topic already has that many partitions.
        throw new kafkajs.KafkaJSProtocolError(
          Object.assign(new Error('Number of partitions is invalid'), {
            type: 'INVALID_PARTITIONS',
            code: 37,
            retriable: false,
          }),
        );
      }
      if (topic) topic.partitions = count;
      changed();
    },
    describeConfigs: async () => ({
      resources: [
        {
          configEntries: [
            ...Object.entries(read()?.configs ?? {}).map(([configName, configValue]) => ({
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
    alterConfigs: async (args: { resources: { configEntries: { name: string; value: string }[] }[] }) => {
      requests.push({ call: 'alterConfigs', args });
      const entries = args.resources[0]?.configEntries ?? [];
      if (topic) topic.configs = Object.fromEntries(entries.map((e) => [e.name, e.value]));
      changed();
    },
  } as unknown as Admin;
  /** A change made by another request (an earlier update) that this broker's metadata does not show yet. */
  const changeElsewhere = (change: (state: TopicState) => void) => {
    if (topic) change(topic);
    changed();
  };
  return { admin, requests, changeElsewhere };
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

  it('two quick updates on lagging metadata: the first waits until its change shows, the second sends nothing', async () => {
    const { admin, requests } = standInAdmin({ partitions: 2, replicas: 3, configs: {} }, 3);
    const first = await applyTopic(admin, properties({ NumPartitions: 4 }), properties({ NumPartitions: 2 }));
    expect(first).toEqual({ created: false, partitionsAdded: 2, configsChanged: true });
    const second = await applyTopic(
      admin,
      properties({ NumPartitions: 4 }),
      properties({ NumPartitions: 4 }),
    );
    expect(second).toEqual({ created: false, partitionsAdded: 0, configsChanged: false });
    expect(requests.map((r) => r.call)).toEqual(['createPartitions', 'alterConfigs']);
  });

  it("Kafka's 'already has that many partitions' is success once the re-read metadata shows them", async () => {
    const { admin, requests, changeElsewhere } = standInAdmin(
      { partitions: 2, replicas: 3, configs: { 'retention.ms': '604800000' } },
      3,
    );
    changeElsewhere((topic) => {
      topic.partitions = 4;
    });
    // The metadata still shows 2: the handler asks for 4, Kafka refuses (INVALID_PARTITIONS), the topic has 4.
    const change = await applyTopic(
      admin,
      properties({ NumPartitions: 4 }),
      properties({ NumPartitions: 4 }),
    );
    expect(change).toEqual({ created: false, partitionsAdded: 0, configsChanged: false });
    expect(requests.map((r) => r.call)).toEqual(['createPartitions']);
  });

  it('a count already at the target sends no CreatePartitions', async () => {
    const { admin, requests } = standInAdmin({ partitions: 4, replicas: 3, configs: {} });
    const change = await applyTopic(
      admin,
      properties({ NumPartitions: 4 }),
      properties({ NumPartitions: 2 }),
    );
    expect(change).toEqual({ created: false, partitionsAdded: 0, configsChanged: true });
    expect(requests.map((r) => r.call)).toEqual(['alterConfigs']);
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
