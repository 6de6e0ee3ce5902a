import kafkajs, { type Admin } from 'kafkajs';
import { InvalidTopicPropertiesError, type TopicProperties } from './topic-properties.js';

export interface TopicChange {
  readonly created: boolean;
  readonly partitionsAdded: number;
  readonly configsChanged: boolean;
}

/**
 * Makes the topic match its properties: create it, add partitions, set its configs. What Kafka cannot do in
 * place (fewer partitions, another replication factor, a renamed topic) fails with an explanation instead
 * of silently doing something else.
 */
export async function applyTopic(
  admin: Admin,
  wanted: TopicProperties,
  previous?: TopicProperties,
): Promise<TopicChange> {
  if (previous && previous.TopicName !== wanted.TopicName) {
    throw new InvalidTopicPropertiesError(
      `renaming topic ${previous.TopicName} to ${wanted.TopicName} is not supported: create a new resource`,
    );
  }
  const configEntries = Object.entries(wanted.Config).map(([name, value]) => ({ name, value }));
  const existing = await admin.listTopics();
  if (!existing.includes(wanted.TopicName)) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: wanted.TopicName,
          numPartitions: wanted.NumPartitions,
          replicationFactor: wanted.ReplicationFactor,
          configEntries,
        },
      ],
    });
    return { created: true, partitionsAdded: 0, configsChanged: false };
  }
  const metadata = await admin.fetchTopicMetadata({ topics: [wanted.TopicName] });
  const partitions = metadata.topics[0]?.partitions ?? [];
  const replication = partitions[0]?.replicas.length ?? 0;
  if (wanted.NumPartitions < partitions.length) {
    throw new InvalidTopicPropertiesError(
      `topic ${wanted.TopicName} has ${partitions.length} partitions; Kafka cannot reduce them to ${wanted.NumPartitions}`,
    );
  }
  if (replication !== wanted.ReplicationFactor) {
    throw new InvalidTopicPropertiesError(
      `topic ${wanted.TopicName} has replication factor ${replication}; changing it to ${wanted.ReplicationFactor} needs a partition reassignment`,
    );
  }
  const partitionsAdded = wanted.NumPartitions - partitions.length;
  if (partitionsAdded > 0) {
    await admin.createPartitions({
      topicPartitions: [{ topic: wanted.TopicName, count: wanted.NumPartitions }],
    });
  }
  const configsChanged = await setTopicConfigs(admin, wanted, previous);
  return { created: false, partitionsAdded, configsChanged };
}

// kafkajs is CommonJS: its enums are on the default export, not named ESM exports.
const TOPIC_RESOURCE = kafkajs.ConfigResourceTypes.TOPIC;
/** A config set on this topic (by anyone), as opposed to a broker-wide or default value. */
const TOPIC_CONFIG_SOURCE = kafkajs.ConfigSource.TOPIC_CONFIG;

/**
 * kafkajs sends the older AlterConfigs request, which replaces the topic's whole config: every key it does not
 * list goes back to the broker default (checked on Kafka 4). kafkajs has no IncrementalAlterConfigs, so the
 * topic's current settings are read and restated: keys set by hand stay, keys this resource set before and
 * no longer lists go back to the default, and the listed keys take their new values.
 */
async function setTopicConfigs(
  admin: Admin,
  wanted: TopicProperties,
  previous?: TopicProperties,
): Promise<boolean> {
  const current = await currentTopicConfigs(admin, wanted.TopicName);
  const merged = new Map(current);
  for (const name of Object.keys(previous?.Config ?? {})) merged.delete(name);
  for (const [name, value] of Object.entries(wanted.Config)) merged.set(name, value);
  const unchanged =
    merged.size === current.size && [...merged].every(([name, value]) => current.get(name) === value);
  if (unchanged) return false;
  await admin.alterConfigs({
    validateOnly: false,
    resources: [
      {
        type: TOPIC_RESOURCE,
        name: wanted.TopicName,
        configEntries: [...merged].map(([name, value]) => ({ name, value })),
      },
    ],
  });
  return true;
}

/** The configs set on the topic itself (not broker or default values). */
async function currentTopicConfigs(admin: Admin, topic: string): Promise<Map<string, string>> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: TOPIC_RESOURCE, name: topic }],
  });
  // Topic-level configs are never sensitive, so Kafka returns every value and each can be restated.
  return new Map(
    (described.resources[0]?.configEntries ?? [])
      .filter((entry) => entry.configSource === TOPIC_CONFIG_SOURCE)
      .map((entry) => [entry.configName, entry.configValue]),
  );
}
