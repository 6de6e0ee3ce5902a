import type { Admin } from 'kafkajs';
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
  if (configEntries.length > 0) {
    // 2 = ConfigResourceTypes.TOPIC; incremental-style: only the listed keys are set.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: 2, name: wanted.TopicName, configEntries }],
    });
  }
  return { created: false, partitionsAdded, configsChanged: configEntries.length > 0 };
}
