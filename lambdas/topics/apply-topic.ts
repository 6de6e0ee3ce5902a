import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs, { type Admin } from 'kafkajs';
import {
  awaitPartitionLeaders,
  PARTITION_METADATA_WAIT,
  settledPartitions,
  TopicNotSettledError,
} from './topic-partitions.js';
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
  if (await createTopic(admin, wanted)) return { created: true, partitionsAdded: 0, configsChanged: false };
  // At least one partition with a leader: a topic created a moment ago may not be in the metadata yet.
  const current = await awaitPartitionLeaders(admin, wanted.TopicName, 1);
  if (wanted.NumPartitions < current.count) throw shrinkRefusal(wanted, current.count);
  if (current.replicationFactor !== wanted.ReplicationFactor) {
    throw new InvalidTopicPropertiesError(
      `topic ${wanted.TopicName} has replication factor ${current.replicationFactor}; changing it to ${wanted.ReplicationFactor} needs a partition reassignment`,
    );
  }
  const partitionsAdded = await addPartitions(admin, wanted, current.count);
  const configsChanged = await setTopicConfigs(admin, wanted, previous);
  return { created: false, partitionsAdded, configsChanged };
}

/**
 * Creates the topic unless the cluster lists it, and waits for its leaders. False when it existed, also when
 * the listing was stale and Kafka answered TOPIC_ALREADY_EXISTS (kafkajs then resolves false): the caller
 * updates it instead.
 */
async function createTopic(admin: Admin, wanted: TopicProperties): Promise<boolean> {
  if ((await admin.listTopics()).includes(wanted.TopicName)) return false;
  const created = await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic: wanted.TopicName,
        numPartitions: wanted.NumPartitions,
        replicationFactor: wanted.ReplicationFactor,
        configEntries: Object.entries(wanted.Config).map(([name, value]) => ({ name, value })),
      },
    ],
  });
  if (created) await settledPartitions(admin, wanted.TopicName, wanted.NumPartitions, 'created');
  return created;
}

function shrinkRefusal(wanted: TopicProperties, count: number): InvalidTopicPropertiesError {
  return new InvalidTopicPropertiesError(
    `topic ${wanted.TopicName} has ${count} partitions; Kafka cannot reduce them to ${wanted.NumPartitions}`,
  );
}

/**
 * Kafka's answer to CreatePartitions with the count the topic already has ("Topic already has N partitions").
 * kafkajs hands the protocol error over as it is (bail), so its type is on the error itself.
 */
function isInvalidPartitions(error: unknown): boolean {
  return error instanceof kafkajs.KafkaJSProtocolError && error.type === 'INVALID_PARTITIONS';
}

/**
 * Grows the topic to the wanted count and waits until the metadata shows every new partition with a leader,
 * so the next request (the second of two quick updates, a CloudFormation retry) does not read the old count.
 * `seen` may itself be stale: when Kafka answers that the topic already has that many partitions, the
 * metadata is re-read until it shows them, and the update is done; any other count is a real refusal.
 * Returns the partitions this call added.
 */
async function addPartitions(admin: Admin, wanted: TopicProperties, seen: number): Promise<number> {
  const topic = wanted.TopicName;
  if (wanted.NumPartitions <= seen) return 0;
  try {
    await admin.createPartitions({ topicPartitions: [{ topic, count: wanted.NumPartitions }] });
  } catch (error) {
    if (!isInvalidPartitions(error)) throw error;
    const actual = await awaitPartitionLeaders(admin, topic, wanted.NumPartitions);
    if (actual.count > wanted.NumPartitions) throw shrinkRefusal(wanted, actual.count);
    if (!actual.settled) throw error;
    return 0;
  }
  await settledPartitions(admin, topic, wanted.NumPartitions, 'accepted');
  return wanted.NumPartitions - seen;
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
  if (sameConfigs(merged, current)) return false;
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
  await awaitTopicConfigs(admin, wanted.TopicName, merged);
  return true;
}

function sameConfigs(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([name, value]) => b.get(name) === value);
}

/**
 * Reads the configs back until they are the ones just set: the next update (or a retry of this one) merges
 * what it reads, so it must not read the set from before this change. Bounded like the partitions' wait.
 */
async function awaitTopicConfigs(admin: Admin, topic: string, wanted: ReadonlyMap<string, string>) {
  const deadline = Date.now() + PARTITION_METADATA_WAIT.timeoutMs;
  for (;;) {
    const current = await currentTopicConfigs(admin, topic);
    if (sameConfigs(wanted, current)) return;
    if (Date.now() >= deadline) {
      throw new TopicNotSettledError(
        `topic ${topic}: Kafka accepted the configs but still describes ${JSON.stringify(Object.fromEntries(current))} after ${PARTITION_METADATA_WAIT.timeoutMs / 1000} s`,
      );
    }
    await sleep(PARTITION_METADATA_WAIT.pollMs);
  }
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
